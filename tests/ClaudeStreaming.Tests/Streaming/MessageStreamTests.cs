using System.Text.Json;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

public sealed class MessageStreamTests
{
    private static async Task<(FakeMessagesServer Server, ClaudeClient Client)> StartAsync(params FakeReply[] replies)
    {
        FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(replies);
        return (server, TestClients.For(server));
    }

    [Fact]
    public async Task TextStream_SkipsThinkingAndToolInput()
    {
        var (server, client) = await StartAsync(FakeReply.Create()
            .Thinking("secret reasoning here")
            .Text("Visible answer.")
            .ToolUse("toolu_1", "lookup", """{"q":"x"}"""));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var pieces = new List<string>();
        await foreach (string piece in stream.TextStream)
        {
            pieces.Add(piece);
        }

        Assert.Equal("Visible answer.", string.Concat(pieces));
        Assert.True(pieces.Count > 1);
        Message final = await stream.GetFinalMessageAsync();
        Assert.Equal("secret reasoning here", Assert.IsType<ThinkingBlock>(final.Content[0]).Thinking);
        Assert.Equal(StopReason.ToolUse, final.StopReason);
    }

    [Fact]
    public async Task GetFinalMessage_ParsesToolInputAndSignatureAndKeepsBlockOrder()
    {
        string input = """{"city":"Zürich","days":[1,2,3],"note":"quote \" and \\ and \u00e9 and 🚀"}""";
        var (server, client) = await StartAsync(FakeReply.Create()
            .Thinking("plan", signature: "EqSig==")
            .Text("Checking.")
            .ToolUse("toolu_9", "forecast", input, fragmentLength: 3)
            .Usage(100, 50));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        Message final = await stream.GetFinalMessageAsync();

        Assert.Collection(final.Content,
            b => Assert.Equal("EqSig==", Assert.IsType<ThinkingBlock>(b).Signature),
            b => Assert.Equal("Checking.", Assert.IsType<TextBlock>(b).Text),
            b =>
            {
                var tool = Assert.IsType<ToolUseBlock>(b);
                Assert.Equal("toolu_9", tool.Id);
                Assert.Equal("forecast", tool.Name);
                Assert.True(tool.IsInputComplete);
                Assert.True(JsonElement.DeepEquals(JsonElement.Parse(input), tool.Input));
            });
        Assert.Equal(100, final.Usage.InputTokens);
        Assert.Equal(50, final.Usage.OutputTokens);
    }

    [Fact]
    public async Task Events_BlockStopCarriesFinishedBlock_MessageStopCarriesMessage()
    {
        var (server, client) = await StartAsync(FakeReply.Create().Text("Hi there friend").ToolUse("toolu_2", "t", """{"a":1}""").Usage(1, 2));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var stops = new List<ContentBlock>();
        Message? stopped = null;
        MessageDeltaEvent? delta = null;
        await foreach (StreamEvent e in stream)
        {
            switch (e)
            {
                case ContentBlockStopEvent stop: stops.Add(stop.ContentBlock); break;
                case MessageDeltaEvent d: delta = d; break;
                case MessageStopEvent s: stopped = s.Message; break;
            }
        }

        Assert.Equal("Hi there friend", Assert.IsType<TextBlock>(stops[0]).Text);
        Assert.Equal(1, Assert.IsType<ToolUseBlock>(stops[1]).Input.GetProperty("a").GetInt32());
        Assert.Equal(StopReason.ToolUse, delta!.StopReason);
        Assert.Equal(2, delta.Usage.OutputTokens);
        Assert.NotNull(stopped);
        Assert.Equal(stopped, await stream.GetFinalMessageAsync());
    }

    [Fact]
    public async Task CurrentMessage_GrowsWithEachDelta()
    {
        var (server, client) = await StartAsync(FakeReply.Create().TextDeltas("a", "b", "c"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var snapshots = new List<string>();
        await foreach (string piece in stream.TextStream)
        {
            snapshots.Add(stream.CurrentMessage.GetText());
        }

        Assert.Equal(["a", "ab", "abc"], snapshots);
    }

    [Fact]
    public async Task GetFinalMessage_WithoutEnumerating_DrainsTheStream()
    {
        var (server, client) = await StartAsync(FakeReply.CreateText("drained whole"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        Assert.Equal("drained whole", await stream.GetFinalTextAsync());
        Assert.Equal("drained whole", (await stream.GetFinalMessageAsync()).GetText());
    }

    [Fact]
    public async Task GetFinalMessage_AfterPartialManualRead_DrainsTheRest()
    {
        var (server, client) = await StartAsync(FakeReply.CreateText("one two three four"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        IAsyncEnumerator<string> reader = stream.TextStream.GetAsyncEnumerator();
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("one", reader.Current);

        Assert.Equal("one two three four", await stream.GetFinalTextAsync());
    }

    [Fact]
    public async Task Enumeration_AfterTheEnd_Throws()
    {
        var (server, client) = await StartAsync(FakeReply.CreateText("once"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        await foreach (string piece in stream.TextStream)
        {
        }

        var ex = Assert.Throws<InvalidOperationException>(() => stream.GetAsyncEnumerator());
        Assert.Contains("already read to its end", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => stream.TextStream.GetAsyncEnumerator());
    }

    [Fact]
    public async Task BreakingOutOfLoop_Pauses_LaterEnumerationAndFinalMessageGoOn()
    {
        var (server, client) = await StartAsync(FakeReply.Create().TextDeltas("one ", "two ", "three ", "four"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var pieces = new List<string>();
        await foreach (string piece in stream.TextStream)
        {
            pieces.Add(piece);
            break;
        }

        Assert.Equal("one ", stream.CurrentMessage.GetText());
        await foreach (string piece in stream.TextStream)
        {
            pieces.Add(piece);
            break;
        }

        await foreach (StreamEvent e in stream)
        {
            if (e is ContentBlockDeltaEvent { Delta: TextDelta t })
            {
                pieces.Add(t.Text);
                break;
            }
        }

        Message final = await stream.GetFinalMessageAsync();
        Assert.Equal(["one ", "two ", "three "], pieces);
        Assert.Equal("one two three four", final.GetText());
        await server.Requests[0].Finished.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(server.Requests[0].CompletedNormally);
    }

    [Fact]
    public async Task ConcurrentSecondEnumeration_Throws_AndAfterAFaultRethrowsTheFault()
    {
        var (server, client) = await StartAsync(FakeReply.Create().TextDeltas("a", "b", "c").ErrorEventAfterDeltas(2, "overloaded_error", "busy"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        await using IAsyncEnumerator<string> first = stream.TextStream.GetAsyncEnumerator();
        Assert.True(await first.MoveNextAsync());
        var concurrent = Assert.Throws<InvalidOperationException>(() => stream.GetAsyncEnumerator());
        Assert.Contains("already being enumerated", concurrent.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => stream.TextStream.GetAsyncEnumerator());

        var fault = await Assert.ThrowsAsync<ClaudeOverloadedException>(async () =>
        {
            while (await first.MoveNextAsync())
            {
            }
        });
        await first.DisposeAsync();

        await using IAsyncEnumerator<StreamEvent> later = stream.GetAsyncEnumerator();
        Assert.Same(fault, await Assert.ThrowsAsync<ClaudeOverloadedException>(async () => await later.MoveNextAsync()));
        Assert.Same(fault, await Assert.ThrowsAsync<ClaudeOverloadedException>(() => stream.GetFinalMessageAsync()));
    }

    [Fact]
    public async Task Dispose_MidStream_ClosesTheConnection()
    {
        var (server, client) = await StartAsync(FakeReply.Create().Text(string.Join(' ', Enumerable.Repeat("x", 500))).Pace(TimeSpan.FromMilliseconds(10)));
        await using var _ = server;
        MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        await stream.DisposeAsync();

        Task aborted = server.Requests[0].Aborted;
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task ResponseMetadata_IsAvailable()
    {
        var (server, client) = await StartAsync(FakeReply.CreateText("x").RequestId("req_abc123").Header("anthropic-ratelimit-requests-remaining", "99"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        Assert.Equal("req_abc123", stream.RequestId);
        Assert.Equal(System.Net.HttpStatusCode.OK, stream.StatusCode);
        Assert.Equal("99", stream.ResponseHeaders.GetValues("anthropic-ratelimit-requests-remaining").Single());
    }

    [Fact]
    public async Task UnknownEventBlockAndDelta_AreSurfacedAndKept()
    {
        const string body =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n" +
            "event: hologram\ndata: {\"type\":\"hologram\",\"beam\":42}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"future_block\",\"payload\":{\"x\":[1,2]}}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"future_delta\",\"bits\":\"01\"}}\n\n" +
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}\n\n" +
            "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"brand_new_reason\",\"stop_sequence\":null,\"stop_details\":{\"type\":\"x\"}},\"usage\":{\"output_tokens\":7}}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        var (server, client) = await StartAsync(FakeReply.RawText(body));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var events = new List<StreamEvent>();
        await foreach (StreamEvent e in stream)
        {
            events.Add(e);
        }

        var unknownEvent = Assert.IsType<UnknownStreamEvent>(events[1]);
        Assert.Equal("hologram", unknownEvent.Type);
        Assert.Equal(42, unknownEvent.Data.GetProperty("beam").GetInt32());
        var delta = Assert.IsType<UnknownContentDelta>(Assert.IsType<ContentBlockDeltaEvent>(events[3]).Delta);
        Assert.Equal("future_delta", delta.Type);
        Assert.Equal("01", delta.Json.GetProperty("bits").GetString());

        Message final = await stream.GetFinalMessageAsync();
        var block = Assert.IsType<UnknownContentBlock>(final.Content[0]);
        Assert.Equal("future_block", block.Type);
        Assert.Equal("brand_new_reason", final.StopReason!.Value.Value);
        Assert.True(final.AdditionalProperties!.ContainsKey("stop_details"));

        string paramJson = JsonSerializer.Serialize(final.ToParam(), JsonDefaults.Context.MessageParam);
        Assert.Contains("\"payload\":{\"x\":[1,2]}", paramJson, StringComparison.Ordinal);
        using JsonDocument json = JsonDocument.Parse(final.ToJson());
        Assert.Equal("future_block", json.RootElement.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("x", json.RootElement.GetProperty("stop_details").GetProperty("type").GetString());
        Assert.Equal(final.ToJson(), Message.FromJson(final.ToJson()).ToJson());
    }

    [Fact]
    public async Task ToolInputCutOffByMaxTokens_KeepsCompleteMembers_NoException()
    {
        var (server, client) = await StartAsync(FakeReply.Create()
            .ToolUse("toolu_3", "write", """{"path":"a.txt","lines":["one","two","thr""", fragmentLength: 4)
            .StopReason("max_tokens"));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        Message final = await stream.GetFinalMessageAsync();

        var tool = Assert.IsType<ToolUseBlock>(Assert.Single(final.Content));
        Assert.False(tool.IsInputComplete);
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse("""{"path":"a.txt","lines":["one","two"]}"""), tool.Input));
        Assert.Equal(StopReason.MaxTokens, final.StopReason);
    }

    [Fact]
    public async Task UsageInMessageDelta_ReplacesStartValues()
    {
        const string body =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":10,\"cache_read_input_tokens\":500,\"output_tokens\":1,\"service_tier\":\"standard\"}}}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":12,\"cache_read_input_tokens\":null,\"output_tokens\":30}}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":31}}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        var (server, client) = await StartAsync(FakeReply.RawText(body));
        await using var _ = server;
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        Usage usage = (await stream.GetFinalMessageAsync()).Usage;

        Assert.Equal(12, usage.InputTokens);
        Assert.Equal(31, usage.OutputTokens);
        Assert.Equal(500, usage.CacheReadInputTokens);
        Assert.Equal("standard", usage.ServiceTier);
    }
}

