using System.Diagnostics;
using System.Text.Json;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>The GenAI metrics, the log events, and what never appears in either.</summary>
[Collection(nameof(TelemetryCollection))]
public sealed class MetricsAndLogsTests
{
    [Fact]
    public async Task Metrics_OnAFakeClock_HaveExactValuesAndTheCommonAttributes()
    {
        using var capture = new TelemetryCapture();
        var time = new FakeTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Create("claude-resp-model").TextDeltas("a", "b", "c").Usage(input: 10, output: 3, cacheRead: 5));
        using ClaudeClient client = TestClients.For(handler, o => o.TimeProvider = time);

        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request());
        IAsyncEnumerator<string> text = stream.TextStream.GetAsyncEnumerator();
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.True(await text.MoveNextAsync());    // first chunk at 0.3 s
        time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(await text.MoveNextAsync());    // 0.05 s later
        time.Advance(TimeSpan.FromMilliseconds(20));
        Assert.True(await text.MoveNextAsync());    // 0.02 s later
        time.Advance(TimeSpan.FromMilliseconds(30));
        Assert.False(await text.MoveNextAsync());   // message_stop at 0.4 s
        await text.DisposeAsync();

        Measured first = Assert.Single(capture.Of("gen_ai.client.operation.time_to_first_chunk"));
        Assert.Equal(0.3, first.Value, 9);
        Assert.Equal([0.05, 0.02], capture.Of("gen_ai.client.operation.time_per_output_chunk").Select(m => Math.Round(m.Value, 9)));
        Measured duration = Assert.Single(capture.Of("gen_ai.client.operation.duration"));
        Assert.Equal(0.4, duration.Value, 9);
        IReadOnlyList<Measured> tokens = capture.Of("gen_ai.client.token.usage");
        Assert.Equal(2, tokens.Count);
        Assert.Equal(15, Assert.Single(tokens, m => (string?)m.Tags["gen_ai.token.type"] == "input").Value);
        Assert.Equal(3, Assert.Single(tokens, m => (string?)m.Tags["gen_ai.token.type"] == "output").Value);
        foreach (Measured m in capture.Measurements)
        {
            Assert.Equal("chat", m.Tags["gen_ai.operation.name"]);
            Assert.Equal("anthropic", m.Tags["gen_ai.provider.name"]);
            Assert.Equal(capture.Model, m.Tags["gen_ai.request.model"]);
            Assert.Equal("claude-resp-model", m.Tags["gen_ai.response.model"]);
            Assert.Equal("api.anthropic.com", m.Tags["server.address"]);
            Assert.Equal(443, m.Tags["server.port"]);
            Assert.False(m.Tags.ContainsKey("error.type"));
        }

        Activity span = Assert.Single(capture.Stopped);
        Assert.Equal(0.3, (double)span.GetTagItem("gen_ai.response.time_to_first_chunk")!, 9);
    }

    [Fact]
    public void Instruments_UseTheConventionsNamesUnitsAndBucketAdvice()
    {
        double[] seconds = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
        Assert.Equal("s", Instruments.OperationDuration.Unit);
        Assert.Equal(seconds, Instruments.OperationDuration.Advice!.HistogramBucketBoundaries);
        Assert.Equal("gen_ai.client.token.usage", Instruments.TokenUsage.Name);
        Assert.Equal("{token}", Instruments.TokenUsage.Unit);
        Assert.Equal([1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864], Instruments.TokenUsage.Advice!.HistogramBucketBoundaries);
        Assert.Equal("s", Instruments.TimeToFirstChunk.Unit);
        Assert.Equal(seconds, Instruments.TimeToFirstChunk.Advice!.HistogramBucketBoundaries);
        Assert.Equal("gen_ai.client.operation.time_per_output_chunk", Instruments.TimePerOutputChunk.Name);
        Assert.Equal(seconds, Instruments.TimePerOutputChunk.Advice!.HistogramBucketBoundaries);
        Assert.Equal(ClaudeTelemetry.SourceName, Instruments.Meter.Name);
        Assert.Equal("ClaudeStreaming", ClaudeTelemetry.SourceName);
    }

    [Fact]
    public async Task Logs_RequestResponseCompleted_WithStableIdsAndFields()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture(listen: false);
        server.Enqueue(FakeReply.Create().Text("logged reply").RequestId("req_log_1").Usage(input: 8, output: 2, cacheCreation: 1));
        using ClaudeClient client = TestClients.For(server, o => o.LoggerFactory = capture.LoggerFactory);

        await client.Messages.CreateAsync(capture.Request());

        FakeLogRecord sent = Assert.Single(capture.LogsWithId(1));
        Assert.Equal("RequestSent", sent.Id.Name);
        Assert.Equal(LogLevel.Debug, sent.Level);
        Assert.Equal(ClaudeTelemetry.SourceName, sent.Category);
        Assert.Equal(capture.Model, sent.GetStructuredStateValue("Model"));
        Assert.Equal("1", sent.GetStructuredStateValue("Attempt"));
        FakeLogRecord started = Assert.Single(capture.LogsWithId(3));
        Assert.Equal("200", started.GetStructuredStateValue("StatusCode"));
        Assert.Equal("req_log_1", started.GetStructuredStateValue("RequestId"));
        FakeLogRecord completed = Assert.Single(capture.LogsWithId(4));
        Assert.Equal("StreamCompleted", completed.Id.Name);
        Assert.Equal(LogLevel.Information, completed.Level);
        Assert.Equal("req_log_1", completed.GetStructuredStateValue("RequestId"));
        Assert.Equal("end_turn", completed.GetStructuredStateValue("StopReason"));
        Assert.Equal("9", completed.GetStructuredStateValue("InputTokens"));
        Assert.Equal("2", completed.GetStructuredStateValue("OutputTokens"));
        Assert.NotNull(completed.GetStructuredStateValue("TimeToFirstTextMs"));
        Assert.Empty(capture.LogsWithId(5));
    }

    [Fact]
    public async Task Logs_RetryAndFailure()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture(listen: false);
        var retryNow = new Dictionary<string, string> { ["retry-after-ms"] = "1" };
        server.Enqueue(
            FakeReply.HttpError(429, "rate_limit_error", "slow down", headers: retryNow),
            FakeReply.HttpError(429, "rate_limit_error", "slow down", requestId: "req_final_429", headers: retryNow));
        using ClaudeClient client = TestClients.For(server, o => { o.MaxRetries = 1; o.LoggerFactory = capture.LoggerFactory; });

        await Assert.ThrowsAsync<ClaudeRateLimitException>(() => client.Messages.StreamAsync(capture.Request()));

        Assert.Equal(["1", "2"], capture.LogsWithId(1).Select(r => r.GetStructuredStateValue("Attempt")));
        FakeLogRecord retry = Assert.Single(capture.LogsWithId(2));
        Assert.Equal("RetryScheduled", retry.Id.Name);
        Assert.Equal("429", retry.GetStructuredStateValue("StatusCode"));
        Assert.Equal("rate_limit_error", retry.GetStructuredStateValue("ErrorType"));
        Assert.Equal("1", retry.GetStructuredStateValue("DelayMs"));
        FakeLogRecord failed = Assert.Single(capture.LogsWithId(5));
        Assert.Equal(LogLevel.Warning, failed.Level);
        Assert.Equal("req_final_429", failed.GetStructuredStateValue("RequestId"));
        Assert.Equal("rate_limit_error", failed.GetStructuredStateValue("FailureKind"));
        Assert.Equal("0", failed.GetStructuredStateValue("EventsReceived"));
        Assert.IsType<ClaudeRateLimitException>(failed.Exception);
    }

    [Fact]
    public async Task Logs_MidStreamFailure_CountsTheEventsReceived()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture(listen: false);
        server.Enqueue(FakeReply.Create().Text("one two three").RequestId("req_drop").DisconnectAfterDeltas(2));
        using ClaudeClient client = TestClients.For(server, o => o.LoggerFactory = capture.LoggerFactory);
        await using MessageStream stream = await client.Messages.StreamAsync(capture.Request());

        var ex = await Assert.ThrowsAsync<ClaudeStreamException>(() => stream.GetFinalMessageAsync());

        FakeLogRecord failed = Assert.Single(capture.LogsWithId(5));
        Assert.Equal("req_drop", failed.GetStructuredStateValue("RequestId"));
        Assert.Equal(ex.Failure == StreamFailure.ConnectionLost ? "connection_lost" : "ended_early", failed.GetStructuredStateValue("FailureKind"));
        Assert.Equal(ex.EventNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.GetStructuredStateValue("EventsReceived"));
    }

    [Fact]
    public async Task Logs_CancelledAndAbandoned_HaveTheirOwnEvents()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture(listen: false);
        Func<int, CancellationToken, Task> holdSecond = (n, ct) => n == 1 ? Task.Delay(Timeout.Infinite, ct) : Task.CompletedTask;
        server.Enqueue(FakeReply.Create().Text("one two").Gate(holdSecond), FakeReply.Create().Text("one two").Gate(holdSecond));
        using ClaudeClient client = TestClients.For(server, o => o.LoggerFactory = capture.LoggerFactory);

        using (var cts = new CancellationTokenSource())
        {
            await using MessageStream cancelled = await client.Messages.StreamAsync(capture.Request(), cts.Token);
            IAsyncEnumerator<string> text = cancelled.TextStream.GetAsyncEnumerator();
            Assert.True(await text.MoveNextAsync());
            ValueTask<bool> pending = text.MoveNextAsync();
            cts.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending);
        }

        await using (MessageStream abandoned = await client.Messages.StreamAsync(capture.Request()))
        {
            await using IAsyncEnumerator<string> text = abandoned.TextStream.GetAsyncEnumerator();
            Assert.True(await text.MoveNextAsync());
        }

        Assert.Equal("StreamCancelled", Assert.Single(capture.LogsWithId(6)).Id.Name);
        Assert.Equal("StreamAbandoned", Assert.Single(capture.LogsWithId(7)).Id.Name);
        Assert.Empty(capture.LogsWithId(5));
        Assert.Empty(capture.LogsWithId(4));
    }

    [Fact]
    public async Task NoContentOrKey_InAnyTagEventOrLogLine_ByDefault()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(
            FakeReply.Create().Text("REPLY-5b2d is the answer").Usage(input: 3, output: 3),
            FakeReply.HttpError(401, "authentication_error", "invalid x-api-key"));
        using ClaudeClient client = TestClients.For(server, o => o.LoggerFactory = capture.LoggerFactory);

        await client.Messages.CreateAsync(SecretRequest(capture));
        await Assert.ThrowsAsync<ClaudeAuthenticationException>(() => client.Messages.CreateAsync(SecretRequest(capture)));

        Assert.Equal(2, capture.Stopped.Count);
        Assert.NotEmpty(capture.Logs.GetSnapshot());
        List<string> text = [.. capture.AllText()];
        Assert.NotEmpty(text);
        foreach (string secret in new[] { "PROMPT-7f3a", "SYSTEM-9c1e", "TOOL-DESC-44", "weather_tool_x", "REPLY-5b2d", TestClients.ApiKey })
        {
            Assert.DoesNotContain(text, t => t.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task ContentOptIn_RecordsTheConventionsContentAttributes_ButNeverTheKey()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var capture = new TelemetryCapture();
        server.Enqueue(FakeReply.Create().Text("REPLY-5b2d is the answer"));
        using ClaudeClient client = TestClients.For(server, o => { o.EnableSensitiveTelemetryData = true; o.LoggerFactory = capture.LoggerFactory; });

        await client.Messages.CreateAsync(SecretRequest(capture));

        Activity span = Assert.Single(capture.Stopped);
        using JsonDocument input = JsonDocument.Parse((string)span.GetTagItem("gen_ai.input.messages")!);
        JsonElement message = Assert.Single(input.RootElement.EnumerateArray());
        Assert.Equal("user", message.GetProperty("role").GetString());
        JsonElement part = Assert.Single(message.GetProperty("parts").EnumerateArray());
        Assert.Equal("text", part.GetProperty("type").GetString());
        Assert.Equal("PROMPT-7f3a: what is the weather?", part.GetProperty("content").GetString());
        using JsonDocument system = JsonDocument.Parse((string)span.GetTagItem("gen_ai.system_instructions")!);
        Assert.Equal("SYSTEM-9c1e", Assert.Single(system.RootElement.EnumerateArray()).GetProperty("content").GetString());
        using JsonDocument tools = JsonDocument.Parse((string)span.GetTagItem("gen_ai.tool.definitions")!);
        JsonElement tool = Assert.Single(tools.RootElement.EnumerateArray());
        Assert.Equal("function", tool.GetProperty("type").GetString());
        Assert.Equal("weather_tool_x", tool.GetProperty("name").GetString());
        Assert.Equal("object", tool.GetProperty("parameters").GetProperty("type").GetString());
        using JsonDocument outputMessages = JsonDocument.Parse((string)span.GetTagItem("gen_ai.output.messages")!);
        JsonElement reply = Assert.Single(outputMessages.RootElement.EnumerateArray());
        Assert.Equal("assistant", reply.GetProperty("role").GetString());
        Assert.Equal("end_turn", reply.GetProperty("finish_reason").GetString());
        Assert.Equal("REPLY-5b2d is the answer", Assert.Single(reply.GetProperty("parts").EnumerateArray()).GetProperty("content").GetString());
        Assert.DoesNotContain(capture.AllText(), t => t.Contains(TestClients.ApiKey, StringComparison.Ordinal));
        // Logs never carry content, opt-in or not.
        Assert.DoesNotContain(capture.Logs.GetSnapshot(), r => r.Message.Contains("REPLY-5b2d", StringComparison.Ordinal));
    }

    [Fact]
    public void Start_NobodyListening_NoObserver()
    {
        var settings = new ClientSettings(new ClaudeClientOptions { ApiKey = TestClients.ApiKey }, httpClientBaseAddress: null);
        MessageRequest request = TestClients.Request();

        Assert.Null(CallTelemetry.Start(settings.Telemetry, request));

        using var capture = new TelemetryCapture(listen: false);
        var withLogs = new ClientSettings(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, LoggerFactory = capture.LoggerFactory }, httpClientBaseAddress: null);
        Assert.NotNull(CallTelemetry.Start(withLogs.Telemetry, request));
        using var listening = new TelemetryCapture();
        Assert.NotNull(CallTelemetry.Start(settings.Telemetry, request));
    }

    [Fact]
    public async Task AddClaudeClient_LogsThroughTheAppsLoggerFactory()
    {
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.CreateText("from the container"));
        var services = new ServiceCollection();
        services.AddFakeLogging();
        services.AddClaudeClient(o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.BaseAddress = new Uri("https://api.anthropic.com/");
            o.MaxRetries = 0;
        }).ConfigurePrimaryHttpMessageHandler(() => handler);
        await using ServiceProvider provider = services.BuildServiceProvider();

        await provider.GetRequiredService<ClaudeClient>().Messages.CreateAsync(TestClients.Request());

        FakeLogCollector logs = provider.GetFakeLogCollector();
        FakeLogRecord completed = Assert.Single(logs.GetSnapshot(), r => r.Category == ClaudeTelemetry.SourceName && r.Id.Id == 4);
        Assert.Equal("StreamCompleted", completed.Id.Name);
    }

    private static MessageRequest SecretRequest(TelemetryCapture capture) => capture.Request("PROMPT-7f3a: what is the weather?") with
    {
        System = "SYSTEM-9c1e",
        Tools = [ToolDefinition.Custom("weather_tool_x", "TOOL-DESC-44", """{"type":"object","properties":{"city":{"type":"string"}}}""")],
    };
}
