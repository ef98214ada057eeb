using System.Text;
using System.Text.Json.Nodes;

namespace ClaudeStreaming.Tests.Fixtures;

/// <summary>
/// The repository's own synthetic Messages stream (no shared files: these run in any clone), framed every way the SSE
/// rules allow: LF, CR or CRLF line ends, with or without a leading UTF-8 BOM, in every chunking. Whatever the framing,
/// the final message, the <see cref="MessageStream.TextStream"/> pieces and the event sequence must be identical.
/// </summary>
public sealed class SseFramingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>
    /// A realistic stream: thinking with a signature, text with ASCII, é, 日本語, a ZWJ emoji and JSON escapes (\n, \", \u00e9
    /// and a surrogate pair), a tool call whose input arrives in fragments, pings; and the SSE features a parser must
    /// handle: comment lines, <c>id:</c> and <c>retry:</c> fields (a valid and an invalid one), an unknown field,
    /// <c>event:</c>/<c>data:</c> without the space, two events whose JSON is split over several <c>data:</c> lines, and
    /// a bare <c>data</c> line (no colon: an empty data line).
    /// </summary>
    private const string StreamText = """
        : keep-alive
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_synthetic_framing_01","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":1,"service_tier":"standard"}}}

        retry: 1500
        id: evt-0001
        event: ping
        data: {"type": "ping"}

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"The user greets me in three scripts: "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"café, 日本語 and 👩‍💻."}}

        event:content_block_delta
        data:{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCkYIBxgCKkBzeW50aGV0aWMtc2lnbmF0dXJl"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0        }

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Hello, world! "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Café é "}}

        : a comment between events
        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"日本語のテキスト "}}

        event: content_block_delta
        id: evt-0002
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"👩‍💻 codes. "}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,
        data: "delta":{"type":"text_delta","text":"Split over two data lines. "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"Line 1\nLine 2 \"quoted\" \u00e9 "}}

        retry: soon
        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"text_delta","text":"rocket \ud83d\ude80!"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"tool_use","id":"toolu_synthetic_01","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"is\", \"units\": \"cel"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"input_json_delta","partial_json":"sius\", \"tags\": [\"é\", \"日本\", \"\\ud83d\\ude80\"]}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        custom-field: ignored
        event: message_delta
        data: {"type":"message_delta",
        data
        data: "delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":87}      }

        : keep-alive
        event: message_stop
        data: {"type":"message_stop"}
        """;

    private const string ExpectedText =
        "Hello, world! Café é 日本語のテキスト 👩‍💻 codes. Split over two data lines. Line 1\nLine 2 \"quoted\" é rocket 🚀!";

    private static readonly string[] ExpectedPieces =
        ["Hello, world! ", "Café é ", "日本語のテキスト ", "👩‍💻 codes. ", "Split over two data lines. ", "Line 1\nLine 2 \"quoted\" é ", "rocket 🚀!"];

    private static readonly string[] ExpectedEventTypes =
    [
        "message_start", "ping",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "ping",
        "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
        "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop",
        "message_delta", "message_stop",
    ];

    private static readonly string[] NewLines = ["LF", "CR", "CRLF"];

    /// <summary>The reference reading: LF, no BOM, one write, through the in-memory handler.</summary>
    private static readonly Lazy<Task<(StreamRun Events, StreamRun Text)>> Reference = new(async () =>
    {
        byte[] body = Body("LF", bom: false);
        StreamRun events = await FixtureSupport.RunAsync(null, body, "whole", ReadMode.Events);
        StreamRun text = await FixtureSupport.RunAsync(null, body, "whole", ReadMode.Text);
        return (events, text);
    });

    public static IEnumerable<object[]> Variants =>
        from newLine in NewLines
        from chunking in Chunkings.Names
        from bom in new[] { false, true }
        select new object[] { newLine, chunking, bom };

    public static IEnumerable<object[]> Framings =>
        from newLine in NewLines
        from bom in new[] { false, true }
        select new object[] { newLine, bom };

    /// <summary>The stream with the given line ends, ending with the blank line after message_stop, optionally after a BOM.</summary>
    private static byte[] Body(string newLine, bool bom, bool finalBlankLine = true, bool finalLineEnd = true)
    {
        string nl = newLine switch { "LF" => "\n", "CR" => "\r", "CRLF" => "\r\n", _ => throw new ArgumentOutOfRangeException(nameof(newLine)) };
        string text = StreamText.ReplaceLineEndings("\n") + (finalLineEnd ? "\n" : "") + (finalBlankLine ? "\n" : "");
        byte[] utf8 = Encoding.UTF8.GetBytes(text.Replace("\n", nl, StringComparison.Ordinal));
        return bom ? [0xEF, 0xBB, 0xBF, .. utf8] : utf8;
    }

    [Fact]
    public async Task Reference_LfWholeNoBom_ProducesTheScriptedMessage()
    {
        (StreamRun events, StreamRun text) = await Reference.Value;

        Message final = events.FinalOrFail();
        Assert.Equal("msg_synthetic_framing_01", final.Id);
        Assert.Equal("claude-sonnet-4-6", final.Model);
        Assert.Equal(StopReason.ToolUse, final.StopReason);
        Assert.Null(final.StopSequence);
        Assert.Equal(["thinking", "text", "tool_use"], final.Content.Select(c => c.Type));

        ThinkingBlock thinking = Assert.IsType<ThinkingBlock>(final.Content[0]);
        Assert.Equal("The user greets me in three scripts: café, 日本語 and 👩‍💻.", thinking.Thinking);
        Assert.Equal("EqQBCkYIBxgCKkBzeW50aGV0aWMtc2lnbmF0dXJl", thinking.Signature);

        Assert.Equal(ExpectedText, Assert.IsType<TextBlock>(final.Content[1]).Text);
        Assert.Equal(ExpectedText, final.GetText());

        ToolUseBlock tool = Assert.IsType<ToolUseBlock>(final.Content[2]);
        Assert.Equal("toolu_synthetic_01", tool.Id);
        Assert.Equal("get_weather", tool.Name);
        Assert.True(tool.IsInputComplete);
        FixtureSupport.AssertJsonEqual("""{"city":"Paris","units":"celsius","tags":["é","日本","🚀"]}""", tool.Input, "tool input");

        Assert.Equal(25, final.Usage.InputTokens);
        Assert.Equal(87, final.Usage.OutputTokens);
        Assert.Equal(0, final.Usage.CacheCreationInputTokens);
        Assert.Equal(0, final.Usage.CacheReadInputTokens);
        Assert.Equal("standard", final.Usage.ServiceTier);

        Assert.Equal(ExpectedEventTypes, events.Events.Select(e => e.Type));
        Assert.Equal(ExpectedPieces, text.TextPieces);
        Assert.Equal(final.ToJson(), text.FinalOrFail().ToJson());
        Assert.Equal(final.ToJson(), Message.FromJson(final.ToJson()).ToJson());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task Events_AnyFraming_IdenticalToReference(string newLine, string chunking, bool bom)
    {
        (StreamRun reference, _) = await Reference.Value;

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, Body(newLine, bom), chunking, ReadMode.Events);

        Message final = run.FinalOrFail();
        Assert.Equal(reference.FinalOrFail().ToJson(), final.ToJson());
        Assert.Equal(reference.Events.Select(FixtureSupport.Describe), run.Events.Select(FixtureSupport.Describe));
        Assert.Equal(ExpectedEventTypes, run.Events.Select(e => e.Type));
        Assert.Equal(ExpectedText, final.GetText());
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public async Task TextStream_AnyFraming_IdenticalToReference(string newLine, string chunking, bool bom)
    {
        (_, StreamRun reference) = await Reference.Value;

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, Body(newLine, bom), chunking, ReadMode.Text);

        Assert.Equal(ExpectedPieces, run.TextPieces);
        Assert.Equal(reference.FinalOrFail().ToJson(), run.FinalOrFail().ToJson());
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task Events_MessageStopWithoutBlankLineAtEof_IsDroppedAndStreamEndsEarly(string newLine, bool bom)
    {
        (StreamRun reference, _) = await Reference.Value;
        string[] expected = reference.Events.Select(FixtureSupport.Describe).SkipLast(1).ToArray();

        // The message_stop data line keeps its line end but has no blank line after it; then not even a line end.
        foreach (bool finalLineEnd in new[] { true, false })
        {
            byte[] body = Body(newLine, bom, finalBlankLine: false, finalLineEnd: finalLineEnd);

            StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, "random1", ReadMode.Events);

            ClaudeStreamException ex = run.ErrorOrFail<ClaudeStreamException>();
            Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
            Assert.Equal(expected.Length, ex.EventNumber);
            Assert.Equal(expected, run.Events.Select(FixtureSupport.Describe));
            // message_stop adds nothing to the message: what arrived is the whole message.
            Assert.Equal(reference.FinalOrFail().ToJson(), ex.PartialMessage?.ToJson());
        }
    }

    [Theory]
    [MemberData(nameof(Framings))]
    public async Task TextStream_MessageStopWithoutBlankLineAtEof_YieldsAllTextThenThrowsEndedEarly(string newLine, bool bom)
    {
        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, Body(newLine, bom, finalBlankLine: false), "bytewise", ReadMode.Text);

        ClaudeStreamException ex = run.ErrorOrFail<ClaudeStreamException>();
        Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
        Assert.Equal(ExpectedPieces, run.TextPieces);
        Assert.Equal(ExpectedText, ex.PartialMessage?.GetText());
    }

    [Theory]
    [InlineData("LF")]
    [InlineData("CR")]
    [InlineData("CRLF")]
    public async Task Events_BomInsideTheStream_IsDataNotSkipped(string newLine)
    {
        // Only a BOM at the very start is skipped (WHATWG): one before a later line makes that line's field name
        // "\uFEFFevent", an unknown field, so that event has no name and falls back to "message" + its JSON type.
        string nl = newLine switch { "LF" => "\n", "CR" => "\r", _ => "\r\n" };
        string text = StreamText.ReplaceLineEndings("\n") + "\n\n";
        text = text.Replace("\nevent: message_delta\n", "\n\uFEFFevent: message_delta\n", StringComparison.Ordinal).Replace("\n", nl, StringComparison.Ordinal);
        byte[] body = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)];

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, "random2", ReadMode.Events);

        // The unnamed event is still dispatched on its JSON "type", so the message is unchanged.
        Message final = run.FinalOrFail();
        Assert.Equal(ExpectedEventTypes, run.Events.Select(e => e.Type));
        Assert.Equal(87, final.Usage.OutputTokens);
        Assert.Equal(ExpectedText, final.GetText());
        Assert.NotNull(JsonNode.Parse(final.ToJson()));
    }

    [Theory]
    [InlineData("LF", "random3")]
    [InlineData("CR", "bytewise")]
    [InlineData("CRLF", "random1")]
    public async Task Events_WithoutEventLines_DispatchedOnJsonTypeIdenticalToReference(string newLine, string chunking)
    {
        // With no "event:" field the WHATWG event type is "message"; the library then dispatches on the JSON "type".
        (StreamRun reference, _) = await Reference.Value;
        string nl = newLine switch { "LF" => "\n", "CR" => "\r", _ => "\r\n" };
        IEnumerable<string> lines = StreamText.ReplaceLineEndings("\n").Split('\n').Where(l => !l.StartsWith("event:", StringComparison.Ordinal));
        byte[] body = Encoding.UTF8.GetBytes(string.Join(nl, lines) + nl + nl);

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, chunking, ReadMode.Events);

        Assert.Equal(reference.FinalOrFail().ToJson(), run.FinalOrFail().ToJson());
        Assert.Equal(reference.Events.Select(FixtureSupport.Describe), run.Events.Select(FixtureSupport.Describe));
    }
}
