using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Every mid-stream failure: a typed exception, the partial message on it, and the text already yielded.</summary>
public sealed class StreamFailureTests
{
    private static async Task<(List<string> Pieces, Exception Error, MessageStream Stream)> ReadTextUntilFailureAsync(ClaudeClient client)
    {
        MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        var pieces = new List<string>();
        Exception? error = null;
        try
        {
            await foreach (string piece in stream.TextStream)
            {
                pieces.Add(piece);
            }
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Assert.NotNull(error);
        return (pieces, error!, stream);
    }

    [Fact]
    public async Task ErrorEventMidStream_ThrowsOverloadedWithPartialMessage()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("alpha beta gamma delta").ErrorEventAfterDeltas(2, "overloaded_error", "Overloaded").RequestId("req_mid"));
        using ClaudeClient client = TestClients.For(server);

        var (pieces, error, stream) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeOverloadedException>(error);
        Assert.True(ex.IsStreamError);
        Assert.Equal("overloaded_error", ex.ErrorType.Value);
        Assert.Equal("Overloaded", ex.ApiMessage);
        Assert.Equal("req_mid", ex.RequestId);
        Assert.Equal("alpha beta", string.Concat(pieces));
        Assert.Equal("alpha beta", ex.PartialMessage!.GetText());
        Assert.Same(ex, await Assert.ThrowsAsync<ClaudeOverloadedException>(() => stream.GetFinalMessageAsync()));
        Assert.Equal("alpha beta", stream.CurrentMessage.GetText());
    }

    [Theory]
    [InlineData("rate_limit_error", typeof(ClaudeRateLimitException))]
    [InlineData("api_error", typeof(ClaudeInternalServerException))]
    [InlineData("invalid_request_error", typeof(ClaudeBadRequestException))]
    [InlineData("brand_new_error", typeof(ClaudeApiException))]
    public async Task ErrorEvent_MapsByErrorType(string errorType, Type expected)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("hello").ErrorEvent(errorType, "msg"));
        using ClaudeClient client = TestClients.For(server);

        var (_, error, _) = await ReadTextUntilFailureAsync(client);

        Assert.IsType(expected, error);
    }

    [Fact]
    public async Task MalformedJson_ThrowsStreamExceptionSayingWhere()
    {
        const string body =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"kept\"}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"broken}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.RawText(body));
        using ClaudeClient client = TestClients.For(server);

        var (pieces, error, _) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeStreamException>(error);
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        Assert.Equal(4, ex.EventNumber);
        Assert.Contains("Event 4 ('content_block_delta')", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["kept"], pieces);
        Assert.Equal("kept", ex.PartialMessage!.GetText());
    }

    [Fact]
    public async Task BodyEndsBeforeMessageStop_ThrowsEndedEarly()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("cut short here").TruncateAfterDeltas(2));
        using ClaudeClient client = TestClients.For(server);

        var (pieces, error, _) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeStreamException>(error);
        Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
        Assert.Contains("without message_stop", ex.Message, StringComparison.Ordinal);
        Assert.Equal("cut short", string.Concat(pieces));
        Assert.Equal("cut short", ex.PartialMessage!.GetText());
    }

    [Fact]
    public async Task NonStreamingBody_EndsEarlyAndNamesTheContentType()
    {
        // A proxy that ignores "stream": true and answers with plain JSON: no event ever arrives.
        using var handler = new JsonBodyHandler("""{"id":"msg_1","type":"message","content":[]}""");
        using var client = new ClaudeClient(new HttpClient(handler), new ClaudeClientOptions { ApiKey = TestClients.ApiKey, MaxRetries = 0 });

        var (_, error, _) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeStreamException>(error);
        Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
        Assert.Contains("before any event arrived (content-type: application/json", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.PartialMessage);
    }

    private sealed class JsonBodyHandler(string body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") });
    }

    [Fact]
    public async Task DroppedConnection_ThrowsConnectionLost()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("one two three four five").DisconnectAfterDeltas(3));
        using ClaudeClient client = TestClients.For(server);

        var (pieces, error, _) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeStreamException>(error);
        Assert.Equal(StreamFailure.ConnectionLost, ex.Failure);
        Assert.IsAssignableFrom<IOException>(ex.InnerException);
        Assert.Equal("one two three", string.Concat(pieces));
        Assert.Equal("one two three", ex.PartialMessage!.GetText());
    }

    [Fact]
    public async Task StalledServer_ThrowsStalledAfterIdleTimeout()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("before the stall").StallAfterDeltas(2));
        using ClaudeClient client = TestClients.For(server, o => o.StreamIdleTimeout = TimeSpan.FromMilliseconds(300));

        var (pieces, error, _) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeStreamException>(error);
        Assert.Equal(StreamFailure.Stalled, ex.Failure);
        Assert.Equal("before the", string.Concat(pieces));
        Assert.Equal("before the", ex.PartialMessage!.GetText());
        Task aborted = server.Requests[0].Aborted;
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task Cancellation_ThrowsOperationCanceled_KeepsPartialInCurrentMessage()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("red green blue").StallAfterDeltas(2));
        using ClaudeClient client = TestClients.For(server);
        using var cts = new CancellationTokenSource();
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request(), cts.Token);

        var pieces = new List<string>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (string piece in stream.TextStream)
            {
                pieces.Add(piece);
                if (pieces.Count == 2)
                {
                    cts.CancelAfter(100);
                }
            }
        });

        Assert.Equal("red green", string.Concat(pieces));
        Assert.Equal("red green", stream.CurrentMessage.GetText());
        Assert.Equal(cts.Token, (await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.GetFinalMessageAsync())).CancellationToken);
        Task aborted = server.Requests[0].Aborted;
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task EnumeratorToken_CancelsReading()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("a b c").StallAfterDeltas(1));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (StreamEvent e in stream.WithCancellation(cts.Token))
            {
            }
        });

        Assert.Equal(cts.Token, ex.CancellationToken);

        Assert.Equal("a", stream.CurrentMessage.GetText());
    }

    [Fact]
    public async Task ProtocolViolation_DeltaForUnknownBlock_IsStreamException()
    {
        const string body =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":3,\"delta\":{\"type\":\"text_delta\",\"text\":\"orphan\"}}\n\n";
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.RawText(body));
        using ClaudeClient client = TestClients.For(server);

        var (_, error, _) = await ReadTextUntilFailureAsync(client);

        var ex = Assert.IsType<ClaudeStreamException>(error);
        Assert.Equal(StreamFailure.ProtocolViolation, ex.Failure);
        Assert.Contains("content block 3", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(ex.PartialMessage);
    }

    [Fact]
    public async Task ExceptionsNeverContainTheKey()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("x").ErrorEvent("api_error", $"echo {TestClients.ApiKey}"));
        using ClaudeClient client = TestClients.For(server);

        var (_, error, _) = await ReadTextUntilFailureAsync(client);

        Assert.DoesNotContain(TestClients.ApiKey, error.ToString(), StringComparison.Ordinal);
    }
}
