using System.Collections.Concurrent;
using System.Text;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeStreaming.Tests;

/// <summary>Issue 8: a server that echoes the key wherever it can gets it into no exception, header or log line.</summary>
public sealed class KeyRedactionTests
{
    private const string Key = TestClients.ApiKey;

    private static ClaudeClient ClientFor(HostileServer server) =>
        new(new ClaudeClientOptions { ApiKey = Key, BaseAddress = server.BaseAddress, MaxRetries = 0 });

    private static string Http(string status, string body, string extraHeaders = "") =>
        $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n{extraHeaders}Content-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";

    private static void AssertNoKey(Exception ex)
    {
        Assert.DoesNotContain(Key, ex.ToString(), StringComparison.OrdinalIgnoreCase);
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            Assert.DoesNotContain(Key, e.Message, StringComparison.OrdinalIgnoreCase);
        }

        if (ex is ClaudeException claude)
        {
            Assert.DoesNotContain(Key, claude.RequestId ?? "", StringComparison.OrdinalIgnoreCase);
        }

        if (ex is ClaudeApiException api)
        {
            Assert.DoesNotContain(Key, api.ApiMessage, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Key, api.ErrorType.Value, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task StreamAsync_ErrorEchoingKeyAsTypeMessageAndBothRequestIds_IsRedactedEverywhere()
    {
        string body = $"{{\"type\":\"error\",\"error\":{{\"type\":\"{Key}\",\"message\":\"bad key {Key}\"}},\"request_id\":\"{Key}\"}}";
        await using HostileServer server = HostileServer.Respond(Http("400 Bad Request", body, $"request-id: {Key}\r\nx-echo: {Key}\r\n"));
        using ClaudeClient client = ClientFor(server);

        var ex = await Assert.ThrowsAsync<ClaudeBadRequestException>(() => client.Messages.StreamAsync(TestClients.Request()));

        AssertNoKey(ex);
        Assert.Equal("[redacted]", ex.ErrorType.Value);
        Assert.Equal("bad key [redacted]", ex.ApiMessage);
        Assert.Equal("[redacted]", ex.RequestId);
    }

    [Fact]
    public async Task StreamAsync_KeyAcrossTheTruncationCut_LeaksNoPrefix()
    {
        // A non-JSON page is cut at 500 characters: redaction must come first, or the key's first half survives the cut.
        string page = new string('x', 480) + Key + new string('y', 100);
        await using HostileServer server = HostileServer.Respond(Http("502 Bad Gateway", page));
        using ClaudeClient client = ClientFor(server);

        var ex = await Assert.ThrowsAsync<ClaudeInternalServerException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.DoesNotContain(Key[..12], ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("[redacted]", ex.ApiMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_ErrorEventEchoingTheKey_IsRedacted()
    {
        string sse =
            "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n" +
            $"event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"{Key}\",\"message\":\"{Key}\"}},\"request_id\":\"{Key}\"}}\n\n";
        await using HostileServer server = HostileServer.Respond(
            $"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {Encoding.UTF8.GetByteCount(sse)}\r\nConnection: close\r\n\r\n{sse}");
        using ClaudeClient client = ClientFor(server);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var ex = await Assert.ThrowsAnyAsync<ClaudeApiException>(() => stream.GetFinalMessageAsync());

        Assert.True(ex.IsStreamError);
        AssertNoKey(ex);
    }

    [Fact]
    public async Task StreamAsync_InvalidHeaderLineEchoingTheKey_IsRedactedFromMessageAndInnerExceptions()
    {
        await using HostileServer server = HostileServer.Respond($"HTTP/1.1 200 OK\r\nX-Echo {Key}\r\nContent-Length: 0\r\n\r\n");
        using ClaudeClient client = ClientFor(server);

        var ex = await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(TestClients.Request()));

        AssertNoKey(ex);
        Assert.NotNull(ex.InnerException);   // a sanitized inner exception is kept, not dropped
        Assert.IsAssignableFrom<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task StreamAsync_ResponseHeaderEchoingTheKey_IsScrubbedFromResponseHeaders()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok").Header("x-echo", $"you sent {Key}").RequestId(Key));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        Assert.Equal("you sent [redacted]", stream.ResponseHeaders.GetValues("x-echo").Single());
        Assert.DoesNotContain(Key, stream.RequestId ?? "", StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Key, string.Join("\n", stream.ResponseHeaders.SelectMany(h => h.Value)), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AddClaudeClient_TraceLogging_NeverShowsTheKey_EvenWhenTheServerEchoesIt()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.CreateText("ok").Header("x-echo", Key),
            FakeReply.HttpError(401, "authentication_error", $"invalid key {Key}", headers: new Dictionary<string, string> { ["x-echo"] = Key }));
        var logs = new ConcurrentQueue<string>();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new CapturingProvider(logs)));
        services.ConfigureHttpClientDefaults(b => b.RedactLoggedHeaders(_ => false));   // an app that logs every header value
        services.AddClaudeClient(o =>
        {
            o.ApiKey = Key;
            o.BaseAddress = server.BaseAddress;
            o.MaxRetries = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        ClaudeClient client = provider.GetRequiredService<ClaudeClient>();

        await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalMessageAsync();
        var ex = await Assert.ThrowsAsync<ClaudeAuthenticationException>(() => client.Messages.StreamAsync(TestClients.Request()));

        AssertNoKey(ex);
        Assert.Contains(logs, line => line.Contains("x-echo", StringComparison.OrdinalIgnoreCase));   // response headers were logged
        Assert.DoesNotContain(logs, line => line.Contains(Key, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Exception_SanitizesEveryLevelOfTheChain_AndKeepsTheTypes()
    {
        var raw = new HttpRequestException(HttpRequestError.InvalidResponse, $"bad header {Key}", new IOException($"io {Key}", new InvalidOperationException($"deep {Key}")));

        Exception clean = Redaction.Exception(raw, Key)!;

        var http = Assert.IsType<HttpRequestException>(clean);
        Assert.Equal(HttpRequestError.InvalidResponse, http.HttpRequestError);
        Assert.IsType<IOException>(http.InnerException);
        Assert.Contains("System.InvalidOperationException", http.InnerException!.InnerException!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, clean.ToString(), StringComparison.Ordinal);
        Assert.Same(raw.InnerException!.InnerException!.GetType(), typeof(InvalidOperationException));   // the original is untouched
    }

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception) + exception);
        }
    }
}
