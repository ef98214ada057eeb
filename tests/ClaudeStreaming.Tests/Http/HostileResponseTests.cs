using System.Diagnostics;
using System.Net;
using System.Text;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Issue 8: every wait bounded, every failure typed, whatever the wire carries.</summary>
public sealed class HostileResponseTests
{
    private const string PartialError = "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"the start of";

    [Fact]
    public async Task StreamAsync_ErrorBodyThatStalls_EndsAtTheIdleTimeout_WithWhatWasRead()
    {
        await using HostileServer server = HostileServer.Start(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync($"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nrequest-id: req_stall\r\nContent-Length: 100000\r\n\r\n{PartialError}");
            await c.StallAsync();
        });
        using var client = new ClaudeClient(new ClaudeClientOptions
        {
            ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0, StreamIdleTimeout = TimeSpan.FromMilliseconds(300),
        });

        var ex = await Assert.ThrowsAsync<ClaudeInternalServerException>(() => client.Messages.StreamAsync(TestClients.Request())).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("the start of", ex.ApiMessage, StringComparison.Ordinal);
        Assert.Contains("error body incomplete", ex.ApiMessage, StringComparison.Ordinal);
        Assert.Equal("req_stall", ex.RequestId);
    }

    [Fact]
    public async Task StreamAsync_ErrorBodyThatTrickles_EndsAtTheAttemptTimeout()
    {
        // One byte every 50 ms never trips the idle timeout; the attempt's timeout must still end the read.
        await using HostileServer server = HostileServer.Start(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n");
            while (!c.Stopping.IsCancellationRequested)
            {
                await c.WriteAsync("z");
                await Task.Delay(50, c.Stopping).ContinueWith(_ => { });
            }
        });
        using var client = new ClaudeClient(new ClaudeClientOptions
        {
            ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0, Timeout = TimeSpan.FromSeconds(2),
        });

        var ex = await Assert.ThrowsAsync<ClaudeInternalServerException>(() => client.Messages.StreamAsync(TestClients.Request())).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ex.StatusCode);
        Assert.StartsWith("z", ex.ApiMessage, StringComparison.Ordinal);
        Assert.Contains("error body incomplete", ex.ApiMessage, StringComparison.Ordinal);
    }

    public static TheoryData<string, byte[]> CorruptBodies => new()
    {
        { "gzip", Encoding.ASCII.GetBytes("this is not gzip at all, not even close") },
        { "deflate", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
        { "br", [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] },
    };

    [Theory]
    [MemberData(nameof(CorruptBodies))]
    public async Task StreamAsync_CorruptCompressedErrorBody_IsConnectionException(string encoding, byte[] garbage)
    {
        await using HostileServer server = HostileServer.Start(async c =>
        {
            await c.ReadRequestAsync();
            await c.WriteAsync($"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Encoding: {encoding}\r\nrequest-id: req_zip\r\nContent-Length: {garbage.Length}\r\nConnection: close\r\n\r\n");
            await c.WriteAsync(garbage);
        });
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Contains("500 error response", ex.Message, StringComparison.Ordinal);
        Assert.Equal("req_zip", ex.RequestId);
        Assert.False(ex.IsTimeout);
    }

    [Theory]
    [InlineData("retry-after", "NaN")]
    [InlineData("retry-after", "Infinity")]
    [InlineData("retry-after", "-Infinity")]
    [InlineData("retry-after", "1e300")]
    [InlineData("retry-after-ms", "NaN")]
    [InlineData("retry-after-ms", "Infinity")]
    [InlineData("retry-after-ms", "1e300")]
    public async Task StreamAsync_InsaneRetryAfter_IsIgnored_AndTheRetryStillHappens(string header, string value)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(529, "overloaded_error", "busy", headers: new Dictionary<string, string> { [header] = value }), FakeReply.CreateText("after the backoff"));
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 1);

        string text = await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync();

        Assert.Equal("after the backoff", text);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e300")]
    [InlineData("0")]
    [InlineData("-3")]
    [InlineData("61")]
    public async Task StreamAsync_RateLimitWithInsaneRetryAfter_HasNoRetryAfter(string value)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(429, "rate_limit_error", "slow down", headers: new Dictionary<string, string> { ["retry-after"] = value }));
        using ClaudeClient client = TestClients.For(server);

        var ex = await Assert.ThrowsAsync<ClaudeRateLimitException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Null(ex.RetryAfter);
    }

    [Theory]
    [InlineData("retry-after", "60", 60_000)]
    [InlineData("retry-after", "0.5", 500)]
    [InlineData("retry-after-ms", "60000", 60_000)]
    [InlineData("retry-after-ms", "60001", null)]
    [InlineData("retry-after-ms", "0", null)]
    public void ServerDelay_AcceptsOnlyFiniteSecondsInZeroToSixty(string header, string value, int? expectedMs)
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation(header, value);

        TimeSpan? delay = RetryRules.ServerDelay(response.Headers, TimeProvider.System);

        Assert.Equal(expectedMs is null ? null : TimeSpan.FromMilliseconds(expectedMs.Value), delay);
    }

    [Fact]
    public async Task StreamAsync_SuppliedHttpClientOwnTimeout_IsTheLibrarysTimeout_AndIsRetried()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("late").DelayHeaders(TimeSpan.FromSeconds(20)), FakeReply.CreateText("late").DelayHeaders(TimeSpan.FromSeconds(20)));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromMilliseconds(300) };
        using var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 1 });

        var ex = await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.True(ex.IsTimeout);
        Assert.Contains("HttpClient's Timeout", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task StreamAsync_CallerCancellation_StaysOperationCanceled_NotATimeout()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("late").DelayHeaders(TimeSpan.FromSeconds(20)));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(30) };
        using var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 1 });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Messages.StreamAsync(TestClients.Request(), cts.Token));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task DisposeOrCancel_MidStream_ClosesTheConnectionAtOnce_Standalone(bool cancel)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text(string.Join(' ', Enumerable.Repeat("x", 2000))).Pace(TimeSpan.FromMilliseconds(10)));
        using ClaudeClient client = TestClients.For(server);

        TimeSpan closedAfter = await CloseMidStreamAsync(client, server, cancel);

        // The default handler would drain the body for up to 2 s (ResponseDrainTimeout) before closing.
        Assert.True(closedAfter < TimeSpan.FromSeconds(1.5), $"closed after {closedAfter.TotalMilliseconds} ms");
    }

    internal static async Task<TimeSpan> CloseMidStreamAsync(ClaudeClient client, FakeMessagesServer server, bool cancel)
    {
        using var cts = new CancellationTokenSource();
        MessageStream stream = await client.Messages.StreamAsync(TestClients.Request(), cts.Token);
        // Cancel: a read is under way when the token fires. Dispose: the stream is dropped between reads.
        Task? reading = cancel ? stream.GetFinalMessageAsync() : null;

        var watch = Stopwatch.StartNew();
        if (cancel)
        {
            await cts.CancelAsync();
        }
        else
        {
            await stream.DisposeAsync();
        }

        if (reading is not null)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        }

        Task aborted = server.Requests[0].Aborted;
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(TimeSpan.FromSeconds(10))));
        return watch.Elapsed;
    }
}
