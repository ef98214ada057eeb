using System.Text;
using System.Text.Json;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Regression tests for issue 15: bad input ends in a typed exception with the partial message, nothing is lost silently.</summary>
public sealed class HardeningTests
{
    private sealed record Outcome(List<string> Pieces, Message? Final, Exception? Error, MessageStream Stream);

    private static async Task<Outcome> RunAsync(byte[] body)
    {
        var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Raw(body));
        ClaudeClient client = TestClients.For(handler);
        MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        var pieces = new List<string>();
        try
        {
            await foreach (string piece in stream.TextStream)
            {
                pieces.Add(piece);
            }

            return new Outcome(pieces, await stream.GetFinalMessageAsync(), null, stream);
        }
        catch (Exception ex)
        {
            return new Outcome(pieces, null, ex, stream);
        }
    }

    [Theory]
    [InlineData("\"0\"")]
    [InlineData("0.5")]
    [InlineData("4294967296")]
    [InlineData("-1")]
    [InlineData("null")]
    public async Task WrongTypeOrRangeOfIndex_ThrewBareException_IsMalformedEventWithPartialMessage(string index)
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(
            SseScript.Delta("kept"),
            SseScript.RawDelta("{\"type\":\"content_block_delta\",\"index\":" + index + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}")));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        Assert.Equal("kept", ex.PartialMessage!.GetText());
        Assert.Contains("content_block_delta", ex.Message, StringComparison.Ordinal);
        // Calling again rethrows the same exception (it used to report a false "ended without message_stop").
        Assert.Same(ex, await Assert.ThrowsAsync<ClaudeStreamException>(() => run.Stream.GetFinalMessageAsync()));
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":[1]}""")]
    public async Task WrongTypeOfDeltaMember_IsMalformedEvent(string data)
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("kept"), SseScript.RawDelta(data)));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        Assert.Equal(["kept"], run.Pieces);
        Assert.Equal("kept", ex.PartialMessage!.GetText());
    }

    [Theory]
    [InlineData("""{"type":"content_block_start","index":"1","content_block":{"type":"text","text":""}}""")]
    [InlineData("""{"type":"content_block_start","index":1,"content_block":{"type":"text","text":5}}""")]
    [InlineData("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":7,"name":"t","input":{}}}""")]
    public async Task WrongTypesInBlockStart_AreMalformedEvent(string data)
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("kept"), SseScript.Stop0, $"event: content_block_start\ndata: {data}\n\n"));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        Assert.Equal("kept", ex.PartialMessage!.GetText());
    }

    [Fact]
    public async Task InvalidUtf8InTextDelta_ThrewCannotTranscode_BecomesReplacementCharacter()
    {
        byte[] body = SseScript.TextReplyWith(SseScript.RawDelta("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"aXb"}}"""));
        int at = Array.IndexOf(body, (byte)'X');
        body[at] = 0xFF;

        Outcome run = await RunAsync(body);

        Assert.Null(run.Error);
        Assert.Equal(["a\uFFFDb"], run.Pieces);
        Assert.Equal("a\uFFFDb", run.Final!.GetText());
    }

    [Fact]
    public async Task InvalidUtf8InRareEvent_BecomesReplacementCharacter()
    {
        byte[] body = Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"sX\"}}\n\n" +
            SseScript.Stop0 + SseScript.End);
        body[Array.IndexOf(body, (byte)'X')] = 0xC3; // a lone lead byte

        Outcome run = await RunAsync(body);

        Assert.Null(run.Error);
        Assert.Equal("s\uFFFD", run.Final!.GetText());
        Assert.Equal(["s\uFFFD"], run.Pieces);
    }

    [Fact]
    public async Task SurrogatePairSplitAcrossDeltasAsEscapes_Threw_BecomesReplacementCharacters()
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(
            SseScript.RawDelta("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"go \ud83d"}}"""),
            SseScript.RawDelta("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\ude80!"}}""")));

        Assert.Null(run.Error);
        Assert.Equal("go \uFFFD\uFFFD!", run.Final!.GetText());
        Assert.Equal(run.Final.GetText(), string.Concat(run.Pieces));
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"two","partial_json":"x"}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"text":"two","partial_json":"x","type":"text_delta"}}""")]
    [InlineData("""{"delta":{"thinking":"no","text":"two","type":"text_delta","signature":"s"},"index":0,"type":"content_block_delta"}""")]
    public async Task DeltaWithExtraMember_WasDropped_IsReadByItsType(string data)
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("one "), SseScript.RawDelta(data)));

        Assert.Null(run.Error);
        Assert.Equal(["one ", "two"], run.Pieces);
        Assert.Equal("one two", run.Final!.GetText());
    }

    [Fact]
    public async Task ThinkingDeltaWithSignatureMember_WasDropped_KeepsItsThinking()
    {
        byte[] body = Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n" +
            SseScript.RawDelta("""{"type":"content_block_delta","index":0,"delta":{"signature":"sig","type":"thinking_delta","thinking":"deep"}}""") +
            SseScript.Stop0 + SseScript.End);

        Outcome run = await RunAsync(body);

        Assert.Null(run.Error);
        Assert.Equal("deep", Assert.IsType<ThinkingBlock>(run.Final!.Content[0]).Thinking);
    }

    [Fact]
    public async Task EventWithEmptyData_FailedTheStream_IsSkipped()
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("a"), "event: content_block_delta\ndata\n\n", "event: ping\ndata: \n\n", SseScript.Delta("b")));

        Assert.Null(run.Error);
        Assert.Equal("ab", run.Final!.GetText());
    }

    [Fact]
    public async Task SecondBlockStartForSameIndex_ReplacedTheBlock_IsProtocolViolationKeepingTheText()
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("Hello"), SseScript.TextStart, SseScript.Delta(" world")));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.ProtocolViolation, ex.Failure);
        Assert.Equal("Hello", string.Concat(run.Pieces));
        Assert.StartsWith(string.Concat(run.Pieces), ex.PartialMessage!.GetText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(2147483647)]
    [InlineData(99999999)]
    public async Task BlockIndexFarBeyondTheBlocksSoFar_AllocatedGigabytes_IsProtocolViolation(int index)
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("a"), SseScript.Stop0,
            $"event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":{index},\"content_block\":{{\"type\":\"text\",\"text\":\"\"}}}}\n\n"));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.ProtocolViolation, ex.Failure);
        Assert.Contains("far beyond", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeltaAfterItsBlockStopped_WouldReorderText_IsProtocolViolation()
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("Hello"), SseScript.Stop0,
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
            SseScript.Delta(" world", 1), SseScript.Delta("!", 0)));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.ProtocolViolation, ex.Failure);
        Assert.Equal("Hello world", ex.PartialMessage!.GetText());
        Assert.Equal("Hello world", string.Concat(run.Pieces));
    }

    [Fact]
    public async Task TextInBlockStart_WasNotYielded_IsYieldedAndKept()
    {
        byte[] body = Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"Pre\"}}\n\n" +
            SseScript.Delta("fix") + SseScript.Stop0 + SseScript.End);

        Outcome run = await RunAsync(body);

        Assert.Equal(["Pre", "fix"], run.Pieces);
        Assert.Equal("Prefix", run.Final!.GetText());
    }

    [Fact]
    public void ToJson_LeftOutNullMembers_WritesEveryMemberTheApiAlwaysHas()
    {
        var message = new Message { Id = "msg_1", Model = "m", Content = [new TextBlock("hi")] };

        using var json = JsonDocument.Parse(message.ToJson());

        foreach (string member in new[] { "id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage" })
        {
            Assert.True(json.RootElement.TryGetProperty(member, out _), $"missing {member}");
        }

        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("stop_reason").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("stop_sequence").ValueKind);
        // Equal content, compared as the docs say (record equality compares lists and dictionaries by reference).
        Assert.Equal(message.ToJson(), Message.FromJson(message.ToJson()).ToJson());
    }

    [Fact]
    public async Task ToJson_ToolUseBlockWithoutInput_Threw_WritesEmptyObject()
    {
        byte[] body = Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"now\"}}\n\n" +
            SseScript.Stop0 + SseScript.End);

        Outcome run = await RunAsync(body);

        Assert.Null(run.Error);
        using var json = JsonDocument.Parse(run.Final!.ToJson());
        JsonElement input = json.RootElement.GetProperty("content")[0].GetProperty("input");
        Assert.Equal(JsonValueKind.Object, input.ValueKind);
        Assert.Empty(input.EnumerateObject());
    }

    [Fact]
    public async Task ToolInputFragments_KeptAsUtf8_EscapesLoneSurrogatesAndBadBytes_SameInEveryView()
    {
        // Tool-input fragments go into the input as UTF-8 without a string in between; escapes, a surrogate pair, a lone
        // surrogate escape and an invalid byte must give the same input, and the events view the same fragments, as before.
        byte[][] fragments =
        [
            Encoding.UTF8.GetBytes("\"{\\\"q\\\": \\\"caf\\u00e9 \""),          // escaped quote and \u00e9
            Encoding.UTF8.GetBytes("\"\\ud83d\\ude80 \\ud800 \""),                  // a pair, then a lone high surrogate
            [(byte)'"', (byte)'x', 0xFF, (byte)'y', (byte)'"'],                        // an invalid UTF-8 byte
            Encoding.UTF8.GetBytes("\"\\\"}\""),
        ];
        var body = new List<byte>(Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"q\",\"input\":{}}}\n\n"));
        foreach (byte[] fragment in fragments)
        {
            body.AddRange(Encoding.UTF8.GetBytes("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":"));
            body.AddRange(fragment);
            body.AddRange(Encoding.UTF8.GetBytes("}}\n\n"));
        }

        body.AddRange(Encoding.UTF8.GetBytes(SseScript.Stop0 + SseScript.End));
        const string Expected = "{\"q\": \"café 🚀 \uFFFD x\uFFFDy\"}";

        Outcome run = await RunAsync([.. body]);
        Assert.Null(run.Error);
        var tool = Assert.IsType<ToolUseBlock>(Assert.Single(run.Final!.Content));
        Assert.Equal("café 🚀 \uFFFD x\uFFFDy", tool.Input.GetProperty("q").GetString());

        var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Raw(body.ToArray()));
        using ClaudeClient client = TestClients.For(handler);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        var joined = new StringBuilder();
        await foreach (StreamEvent e in stream)
        {
            if (e is ContentBlockDeltaEvent { Delta: InputJsonDelta json })
            {
                joined.Append(json.PartialJson);
            }
        }

        Assert.Equal(Expected, joined.ToString());
        Assert.Equal(tool.Input.GetRawText(), ((ToolUseBlock)(await stream.GetFinalMessageAsync()).Content[0]).Input.GetRawText());
    }

    [Fact]
    public async Task StreamedToolInput_ParsedOnFirstRead_SameValueFromEveryThreadAndEveryView()
    {
        // The input is parsed when first read (not at the block's stop); every reader must see one and the same value.
        string fragments = string.Concat(Enumerable.Range(0, 40).Select(i =>
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" +
            JsonSerializer.Serialize(i == 0 ? "{\"items\":[" + i : "," + i) + "}}\n\n"));
        byte[] body = Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"sum\",\"input\":{}}}\n\n" +
            fragments +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"]}\"}}\n\n" +
            SseScript.Stop0 + SseScript.End);

        Outcome run = await RunAsync(body);

        Assert.Null(run.Error);
        var tool = Assert.IsType<ToolUseBlock>(Assert.Single(run.Final!.Content));
        string[] seen = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => tool.Input.GetRawText())));
        string expected = "{\"items\":[" + string.Join(",", Enumerable.Range(0, 40)) + "]}";
        Assert.All(seen, text => Assert.Equal(expected, text));
        Assert.True(tool.IsInputComplete);
        Assert.Equal(expected, ((ToolUseBlock)run.Stream.CurrentMessage.Content[0]).Input.GetRawText());
        Assert.Equal(39, (tool with { Name = "renamed" }).Input.GetProperty("items")[39].GetInt32());
        Assert.Equal(JsonValueKind.Array, (tool with { Input = JsonElement.Parse("[]") }).Input.ValueKind);
    }

    [Fact]
    public async Task CutOffToolInputOfManyBrackets_WasQuadratic_IsRepairedQuickly()
    {
        string brackets = new('[', 200_000);
        byte[] body = Encoding.UTF8.GetBytes(SseScript.MessageStart +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"t\",\"input\":{}}}\n\n" +
            SseScript.RawDelta("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":" + brackets + "\"}}") +
            SseScript.Stop0 + SseScript.End);
        var watch = System.Diagnostics.Stopwatch.StartNew();

        Outcome run = await RunAsync(body);

        Assert.Null(run.Error);
        var tool = Assert.IsType<ToolUseBlock>(run.Final!.Content[0]);
        Assert.False(tool.IsInputComplete);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    [Theory]
    [InlineData("content_block_start", "{\"type\":\"content_block_start\",\"index\":\"KEY\",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}")]
    [InlineData("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"KEY\"")]
    public async Task MalformedEventEchoingTheKey_KeyIsInNoExceptionText(string eventName, string data)
    {
        Outcome run = await RunAsync(SseScript.TextReplyWith(SseScript.Delta("a"),
            $"event: {eventName}\ndata: {data.Replace("KEY", TestClients.ApiKey, StringComparison.Ordinal)}\n\n"));

        var ex = Assert.IsType<ClaudeStreamException>(run.Error);
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(TestClients.ApiKey, e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }
}
