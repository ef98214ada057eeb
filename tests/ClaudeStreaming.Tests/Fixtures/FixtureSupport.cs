using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests.Fixtures;

/// <summary>How a replayed stream is read: through the typed events, through <see cref="MessageStream.TextStream"/>, or only through the final message.</summary>
internal enum ReadMode
{
    Events,
    Text,
    FinalOnly,
}

/// <summary>Everything observed while reading one replayed stream; <see cref="Error"/> is set when reading threw.</summary>
internal sealed record StreamRun(List<StreamEvent> Events, List<string> TextPieces, Message? Final, Exception? Error)
{
    public Message FinalOrFail()
    {
        Assert.True(Error is null, $"the stream failed: {Error}");
        Assert.NotNull(Final);
        return Final!;
    }

    public TException ErrorOrFail<TException>()
        where TException : Exception
    {
        Assert.True(Final is null, "the stream completed, but a failure was expected");
        return Assert.IsType<TException>(Error);
    }
}

/// <summary>Replays bytes through the fake Messages API and reads them back; small JSON helpers for the assertions.</summary>
internal static class FixtureSupport
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static byte[] ReadShared(string relative) => File.ReadAllBytes(SharedFixtures.PathOf(relative));

    /// <summary>The recorded bytes plus the blank line that dispatches their final event.</summary>
    public static byte[] WithFinalBlankLine(byte[] body) => [.. body, (byte)'\n', (byte)'\n'];

    /// <summary>
    /// Replays <paramref name="body"/> in the chunks of <paramref name="plan"/>: over Kestrel when <paramref name="server"/>
    /// is given, otherwise through the in-memory <see cref="FakeMessagesHandler"/>. Never throws for a stream failure:
    /// the exception is returned in <see cref="StreamRun.Error"/> with whatever was read before it.
    /// </summary>
    public static async Task<StreamRun> RunAsync(FakeMessagesServer? server, byte[] body, IReadOnlyList<int> plan, ReadMode mode)
    {
        FakeReply reply = FakeReply.Raw(body, plan);
        FakeMessagesHandler? handler = null;
        ClaudeClient client;
        if (server is null)
        {
            handler = new FakeMessagesHandler();
            handler.Enqueue(reply);
            client = TestClients.For(handler);
        }
        else
        {
            server.Enqueue(reply);
            client = TestClients.For(server);
        }

        using var deadline = new CancellationTokenSource(Deadline);
        try
        {
            await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request(), deadline.Token);
            var events = new List<StreamEvent>();
            var pieces = new List<string>();
            try
            {
                if (mode == ReadMode.Events)
                {
                    await foreach (StreamEvent e in stream.WithCancellation(deadline.Token))
                    {
                        events.Add(e);
                    }
                }
                else if (mode == ReadMode.Text)
                {
                    await foreach (string piece in stream.TextStream.WithCancellation(deadline.Token))
                    {
                        pieces.Add(piece);
                    }
                }

                Message final = await stream.GetFinalMessageAsync(deadline.Token);
                return new StreamRun(events, pieces, final, null);
            }
            catch (ClaudeException ex)
            {
                // A second call must rethrow the same failure, not hang or succeed.
                Exception again = await Assert.ThrowsAnyAsync<ClaudeException>(() => stream.GetFinalMessageAsync(deadline.Token));
                Assert.Same(ex, again);
                return new StreamRun(events, pieces, null, ex);
            }
        }
        finally
        {
            client.Dispose();
            handler?.Dispose();
        }
    }

    public static Task<StreamRun> RunAsync(FakeMessagesServer? server, byte[] body, string chunking, ReadMode mode) =>
        RunAsync(server, body, Chunkings.Plan(chunking, body.Length), mode);

    /// <summary>A block as the library writes it on the wire.</summary>
    public static string BlockJson(ContentBlock block) => JsonSerializer.Serialize(block, JsonDefaults.Context.ContentBlock);

    public static JsonNode? Node(string json) => JsonNode.Parse(json);

    public static JsonNode? Node(JsonElement element) => JsonNode.Parse(element.GetRawText());

    public static void AssertJsonEqual(JsonNode? expected, JsonNode? actual, string what) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"{what}: expected {expected?.ToJsonString() ?? "null"} but got {actual?.ToJsonString() ?? "null"}");

    public static void AssertJsonEqual(string expectedJson, JsonElement actual, string what) =>
        AssertJsonEqual(Node(expectedJson), Node(actual), what);

    /// <summary>A one-line, complete description of an event, so that two event sequences can be compared for equality.</summary>
    public static string Describe(StreamEvent e) => e switch
    {
        MessageStartEvent s => $"message_start {s.Message.ToJson()}",
        ContentBlockStartEvent s => $"content_block_start[{s.Index}] {BlockJson(s.ContentBlock)}",
        ContentBlockDeltaEvent d => $"content_block_delta[{d.Index}] {d.Delta.Type} {DescribeDelta(d.Delta)}",
        ContentBlockStopEvent s => $"content_block_stop[{s.Index}] {BlockJson(s.ContentBlock)}",
        MessageDeltaEvent d => $"message_delta {d.StopReason?.Value ?? "null"} {d.StopSequence ?? "null"} {JsonSerializer.Serialize(d.Usage, JsonDefaults.Context.Usage)}",
        MessageStopEvent s => $"message_stop {s.Message.ToJson()}",
        PingEvent => "ping",
        UnknownStreamEvent u => $"unknown {u.Type} {u.Data.GetRawText()}",
        _ => $"?{e.GetType().Name} {e.Type}",
    };

    private static string DescribeDelta(ContentDelta delta) => delta switch
    {
        TextDelta t => JsonSerializer.Serialize(t.Text, JsonDefaults.Context.String),
        InputJsonDelta j => JsonSerializer.Serialize(j.PartialJson, JsonDefaults.Context.String),
        ThinkingDelta t => JsonSerializer.Serialize(t.Thinking, JsonDefaults.Context.String),
        SignatureDelta s => s.Signature,
        CitationsDelta c => JsonSerializer.Serialize(c.Citation, JsonDefaults.Context.Citation),
        UnknownContentDelta u => u.Json.GetRawText(),
        _ => delta.GetType().Name,
    };

    /// <summary>Serializes <paramref name="message"/>'s <see cref="Message.ToParam"/> inside a request, as it would be sent back.</summary>
    public static JsonArray SerializedParamContent(Message message)
    {
        var request = new MessageRequest
        {
            Model = "claude-sonnet-4-6",
            MaxTokens = 16,
            Messages = [MessageParam.User("hi"), message.ToParam()],
        };
        string json = JsonSerializer.Serialize(request, JsonDefaults.Context.MessageRequest);
        JsonNode turn = JsonNode.Parse(json)!["messages"]![1]!;
        Assert.Equal("assistant", (string?)turn["role"]);
        return turn["content"]!.AsArray();
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}
