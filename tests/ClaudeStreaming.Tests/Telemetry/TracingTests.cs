using System.Diagnostics;
using ClaudeStreaming.Testing;
using Xunit.Abstractions;

namespace ClaudeStreaming.Tests;

/// <summary>One GenAI span per logical call, on the fake Messages API over loopback Kestrel.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class TracingTests(ITestOutputHelper output)
{

    [Fact]
    public async Task StreamAsync_Completed_OneClientSpanWithTheConventionsAttributes()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create("claude-sonnet-4-5-20250929", "msg_obs_1").Text("Hello there, friend").RequestId("req_obs_1").Usage(input: 12, output: 7));
        using ClaudeClient client = TestClients.For(server);
        MessageRequest request = capture.Request() with { Temperature = 0.5, TopP = 0.9, TopK = 40, StopSequences = ["END", "STOP"] };

        await using MessageStream stream = await client.Messages.StreamAsync(request);
        await stream.GetFinalMessageAsync();

        Activity span = Assert.Single(capture.Stopped);
        output.WriteLine(TelemetryCapture.Describe(span));
        Assert.Equal($"chat {capture.Model}", span.DisplayName);
        Assert.Equal(ActivityKind.Client, span.Kind);
        Assert.Equal(ClaudeTelemetry.SourceName, span.Source.Name);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Equal("chat", span.GetTagItem("gen_ai.operation.name"));
        Assert.Equal("anthropic", span.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(capture.Model, span.GetTagItem("gen_ai.request.model"));
        Assert.Equal(256, span.GetTagItem("gen_ai.request.max_tokens"));
        Assert.Equal(0.5, span.GetTagItem("gen_ai.request.temperature"));
        Assert.Equal(0.9, span.GetTagItem("gen_ai.request.top_p"));
        Assert.Equal(40, span.GetTagItem("gen_ai.request.top_k"));
        Assert.Equal(new[] { "END", "STOP" }, span.GetTagItem("gen_ai.request.stop_sequences"));
        Assert.Equal(true, span.GetTagItem("gen_ai.request.stream"));
        Assert.Equal(server.BaseAddress.Host, span.GetTagItem("server.address"));
        Assert.Equal(server.BaseAddress.Port, span.GetTagItem("server.port"));
        Assert.Equal("msg_obs_1", span.GetTagItem("gen_ai.response.id"));
        Assert.Equal("claude-sonnet-4-5-20250929", span.GetTagItem("gen_ai.response.model"));
        Assert.Equal(new[] { "end_turn" }, span.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal(12, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(7, span.GetTagItem("gen_ai.usage.output_tokens"));
        Assert.IsType<double>(span.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Assert.Null(span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("gen_ai.input.messages"));
    }

    [Fact]
    public async Task StreamAsync_BodyHeldBack_SpanStaysOpenUntilTheStreamEnds()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Enqueue(FakeReply.Create().Text("held back reply").Gate((n, ct) => n == 0 ? release.Task.WaitAsync(ct) : Task.CompletedTask));
        using ClaudeClient client = TestClients.For(server);

        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request());

        // The headers arrived and StreamAsync returned, but the reply has not: the span is started and still open.
        Activity open = Assert.Single(capture.Started);
        Assert.Empty(capture.Stopped);
        Assert.False(open.IsStopped);

        release.SetResult();
        Assert.Equal("held back reply", await stream.GetFinalTextAsync());
        Activity span = Assert.Single(capture.Stopped);
        Assert.Same(open, span);
        Assert.True(span.IsStopped);
    }

    [Fact]
    public async Task CacheTokens_InputTokensIsTheWholePrompt_CacheCountsAlongside()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("cached").Usage(input: 10, output: 4, cacheCreation: 300, cacheRead: 2000));
        using ClaudeClient client = TestClients.For(server);

        await client.Messages.CreateAsync(capture.Request());

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(2310, span.GetTagItem("gen_ai.usage.input_tokens"));
        Assert.Equal(2000, span.GetTagItem("gen_ai.usage.cache_read.input_tokens"));
        Assert.Equal(300, span.GetTagItem("gen_ai.usage.cache_creation.input_tokens"));
        Assert.Equal(4, span.GetTagItem("gen_ai.usage.output_tokens"));
        Measured input = Assert.Single(capture.Of("gen_ai.client.token.usage"), m => (string?)m.Tags["gen_ai.token.type"] == "input");
        Assert.Equal(2310, input.Value);
    }

    [Fact]
    public async Task HttpError400_SpanEndsWithErrorStatusAndTheApiErrorType()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.HttpError(400, "invalid_request_error", "max_tokens: must be positive", requestId: "req_bad_1"));
        using ClaudeClient client = TestClients.For(server);

        await Assert.ThrowsAsync<ClaudeBadRequestException>(() => client.Messages.StreamAsync(capture.Request()));

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("invalid_request_error", span.GetTagItem("error.type"));
        Assert.Null(span.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Measured duration = Assert.Single(capture.Of("gen_ai.client.operation.duration"));
        Assert.Equal("invalid_request_error", duration.Tags["error.type"]);
    }

    [Fact]
    public async Task ErrorEventMidStream_SpanEndsWithErrorAndKeepsWhatArrived()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("one two three four").Usage(input: 5, output: 9).ErrorEventAfterDeltas(2, "overloaded_error", "Overloaded"));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request());

        var ex = await Assert.ThrowsAsync<ClaudeOverloadedException>(() => stream.GetFinalMessageAsync());

        Activity span = Assert.Single(capture.Stopped);
        output.WriteLine(TelemetryCapture.Describe(span));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("overloaded_error", span.GetTagItem("error.type"));
        Assert.Equal(ex.Message, span.StatusDescription);
        Assert.IsType<double>(span.GetTagItem("gen_ai.response.time_to_first_chunk"));
        Assert.Null(span.GetTagItem("gen_ai.response.finish_reasons"));
        Assert.Equal(5, span.GetTagItem("gen_ai.usage.input_tokens"));
    }

    [Fact]
    public async Task StreamEndedEarly_ErrorTypeIsTheFailureKind()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("one two three").TruncateAfterDeltas(1));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request());

        await Assert.ThrowsAsync<ClaudeStreamException>(() => stream.GetFinalMessageAsync());

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("ended_early", span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task Retried529_OneSpanOverBothAttempts_WithARetryEvent()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(
            FakeReply.HttpError(529, "overloaded_error", "busy", headers: new Dictionary<string, string> { ["retry-after-ms"] = "1" }),
            FakeReply.CreateText("second time lucky"));
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 2);

        Assert.Equal("second time lucky", (await client.Messages.CreateAsync(capture.Request())).GetText());

        Assert.Equal(2, server.Requests.Count);
        Activity span = Assert.Single(capture.Stopped);
        output.WriteLine(TelemetryCapture.Describe(span));
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        ActivityEvent retry = Assert.Single(span.Events);
        Assert.Equal("claude_streaming.retry", retry.Name);
        var tags = retry.Tags.ToDictionary(t => t.Key, t => t.Value);
        Assert.Equal(1, tags["http.request.resend_count"]);
        Assert.Equal(529, tags["http.response.status_code"]);
        Assert.Equal("overloaded_error", tags["error.type"]);
        Assert.Equal(0.001, (double)tags["claude_streaming.retry.delay"]!, 6);
        Assert.Single(capture.Of("gen_ai.client.operation.duration"));
    }

    [Fact]
    public async Task NoServer_ConnectionFailure_ErrorTypeIsTheHttpRequestError()
    {
        using var capture = new TelemetryCapture();
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = new Uri("http://127.0.0.1:9/"), MaxRetries = 0 });

        await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(capture.Request()));

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("connection_error", span.GetTagItem("error.type"));
    }

    [Fact]
    public async Task CancelledStream_EndsItsSpan_AsCancelled()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("one two three").Gate((n, ct) => n == 1 ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask));
        using ClaudeClient client = TestClients.For(server);
        using var cts = new CancellationTokenSource();
        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request(), cts.Token);
        IAsyncEnumerator<string> text = stream.TextStream.GetAsyncEnumerator();
        Assert.True(await text.MoveNextAsync());

        ValueTask<bool> pending = text.MoveNextAsync();
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("System.OperationCanceledException", span.GetTagItem("error.type"));
        await text.DisposeAsync();
        Assert.Single(capture.Stopped);
    }

    [Fact]
    public async Task DisposedStream_EndsItsSpan_WithoutAnError()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("one two three").Gate((n, ct) => n == 1 ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask));
        using ClaudeClient client = TestClients.For(server);
        MessageStream stream = await client.Messages.StreamAsync(capture.Request());
        IAsyncEnumerator<string> text = stream.TextStream.GetAsyncEnumerator();
        Assert.True(await text.MoveNextAsync());
        Assert.Empty(capture.Stopped);

        await stream.DisposeAsync();

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
        Assert.Null(span.GetTagItem("error.type"));
        Assert.IsType<double>(span.GetTagItem("gen_ai.response.time_to_first_chunk"));
        await stream.DisposeAsync();
        Assert.Single(capture.Stopped);
    }

    [Fact]
    public async Task BreakOutOfEnumeration_PausesTheSpan_DisposeEndsIt()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("one two three four five"));
        using ClaudeClient client = TestClients.For(server);
        MessageStream stream = await client.Messages.StreamAsync(capture.Request());

        await foreach (string piece in stream.TextStream)
        {
            break;
        }

        // A break pauses the stream (a later enumeration goes on from there), so the call is not over yet.
        Assert.Empty(capture.Stopped);
        await stream.DisposeAsync();
        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Unset, span.Status);
    }

    [Fact]
    public async Task StreamSpan_DoesNotChangeTheCallersCurrentActivity()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.CreateText("hi"));
        using ClaudeClient client = TestClients.For(server);
        using var appSource = new ActivitySource("ClaudeStreaming.Tests.App");
        using var appListener = new ActivityListener { ShouldListenTo = s => s == appSource, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded };
        ActivitySource.AddActivityListener(appListener);
        using Activity parent = appSource.StartActivity("request")!;

        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request());
        Assert.Same(parent, Activity.Current);
        using (Activity inner = appSource.StartActivity("render")!)
        {
            await stream.GetFinalMessageAsync();
            Assert.Same(inner, Activity.Current);
        }

        Activity span = Assert.Single(capture.Stopped);
        Assert.Same(parent, span.Parent);
    }

    [Fact]
    public async Task HttpClientSpans_OnePerAttempt_AreChildrenOfTheCallSpan()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        var http = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var httpListener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => http.Enqueue(a),
        };
        ActivitySource.AddActivityListener(httpListener);
        server.Enqueue(FakeReply.HttpError(529, "overloaded_error", "busy", headers: new Dictionary<string, string> { ["retry-after-ms"] = "1" }), FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 1);

        await client.Messages.CreateAsync(capture.Request());

        Activity span = Assert.Single(capture.Stopped);
        Activity[] attempts = [.. http.Where(a => a.ParentSpanId == span.SpanId)];
        Assert.Equal(2, attempts.Length);
        Assert.All(attempts, a => Assert.Equal(span.TraceId, a.TraceId));
    }

    [Fact]
    public async Task StreamAsync_CancelledBeforeTheResponse_SpanEndsAsCancelled()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 2);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Messages.StreamAsync(capture.Request(), new CancellationToken(canceled: true)));

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("System.OperationCanceledException", span.GetTagItem("error.type"));
        Assert.Empty(span.Events);
    }
}
