using System.Net;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

public sealed class HttpErrorTests
{
    [Theory]
    [InlineData(400, "invalid_request_error", typeof(ClaudeBadRequestException))]
    [InlineData(401, "authentication_error", typeof(ClaudeAuthenticationException))]
    [InlineData(403, "permission_error", typeof(ClaudePermissionDeniedException))]
    [InlineData(404, "not_found_error", typeof(ClaudeNotFoundException))]
    [InlineData(413, "request_too_large", typeof(ClaudeRequestTooLargeException))]
    [InlineData(429, "rate_limit_error", typeof(ClaudeRateLimitException))]
    [InlineData(500, "api_error", typeof(ClaudeInternalServerException))]
    [InlineData(503, "api_error", typeof(ClaudeInternalServerException))]
    [InlineData(529, "overloaded_error", typeof(ClaudeOverloadedException))]
    [InlineData(402, "billing_error", typeof(ClaudeApiException))]
    public async Task ErrorStatus_BecomesTypedException(int status, string errorType, Type expected)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(status, errorType, "Something specific went wrong", requestId: "req_err_1"));
        using ClaudeClient client = TestClients.For(server);

        ClaudeApiException ex = (ClaudeApiException)await Assert.ThrowsAnyAsync<ClaudeException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.IsType(expected, ex);
        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(errorType, ex.ErrorType.Value);
        Assert.Equal("Something specific went wrong", ex.ApiMessage);
        Assert.Equal("req_err_1", ex.RequestId);
        Assert.False(ex.IsStreamError);
        Assert.Null(ex.PartialMessage);
        Assert.Equal($"Claude API {status} {errorType}: Something specific went wrong (request-id req_err_1)", ex.Message);
    }

    [Fact]
    public async Task RateLimit_CarriesRetryAfter()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(429, "rate_limit_error", "slow down", headers: new Dictionary<string, string> { ["retry-after"] = "7" }));
        using ClaudeClient client = TestClients.For(server);

        var ex = await Assert.ThrowsAsync<ClaudeRateLimitException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
    }

    [Fact]
    public async Task NonJsonErrorBody_IsKeptAsMessage()
    {
        // A proxy's HTML error page: not the API's JSON, so the raw text becomes the message.
        using var handler = new StaticResponseHandler(HttpStatusCode.BadGateway, "<html>Bad gateway</html>", "text/html");
        using var client = new ClaudeClient(new HttpClient(handler), new ClaudeClientOptions { ApiKey = TestClients.ApiKey, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<ClaudeInternalServerException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal("<html>Bad gateway</html>", ex.ApiMessage);
        Assert.Equal("", ex.ErrorType.Value);
        Assert.Equal(HttpStatusCode.BadGateway, ex.StatusCode);
    }

    private sealed class StaticResponseHandler(HttpStatusCode status, string body, string mediaType) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType) });
    }

    [Fact]
    public async Task Retries_OverloadedThenSuccess_Succeeds()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        var fast = new Dictionary<string, string> { ["retry-after-ms"] = "5" };
        server.Enqueue(
            FakeReply.HttpError(529, "overloaded_error", "busy", headers: fast),
            FakeReply.HttpError(500, "api_error", "oops", headers: fast),
            FakeReply.CreateText("third time lucky"));
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 2);

        string text = await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync();

        Assert.Equal("third time lucky", text);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Retries_Exhausted_ThrowsLastError()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        var fast = new Dictionary<string, string> { ["retry-after-ms"] = "1" };
        server.Enqueue(
            FakeReply.HttpError(529, "overloaded_error", "busy 1", headers: fast),
            FakeReply.HttpError(529, "overloaded_error", "busy 2", headers: fast));
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 1);

        var ex = await Assert.ThrowsAsync<ClaudeOverloadedException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal("busy 2", ex.ApiMessage);
        Assert.Equal(2, server.Requests.Count);
    }

    [Theory]
    [InlineData(400, null, 1)]
    [InlineData(401, null, 1)]
    [InlineData(429, null, 2)]
    [InlineData(409, null, 2)]
    [InlineData(400, "true", 2)]
    [InlineData(529, "false", 1)]
    public async Task Retries_FollowStatusAndShouldRetryHeader(int status, string? shouldRetry, int expectedAttempts)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        var headers = new Dictionary<string, string> { ["retry-after-ms"] = "1" };
        if (shouldRetry is not null)
        {
            headers["x-should-retry"] = shouldRetry;
        }

        server.Enqueue(FakeReply.HttpError(status, "some_error", "first", headers: headers), FakeReply.HttpError(status, "some_error", "second", headers: headers));
        using ClaudeClient client = TestClients.For(server, o => o.MaxRetries = 1);

        await Assert.ThrowsAnyAsync<ClaudeApiException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal(expectedAttempts, server.Requests.Count);
    }

    [Fact]
    public async Task ConnectionRefused_BecomesConnectionException()
    {
        int port;
        await using (FakeMessagesServer server = await FakeMessagesServer.StartAsync())
        {
            port = server.BaseAddress.Port;
        }

        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = new Uri($"http://127.0.0.1:{port}/"), MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(TestClients.Request()));
        Assert.IsAssignableFrom<HttpRequestException>(ex.InnerException);
    }

    [Fact]
    public async Task SlowHeaders_TimeOutAsConnectionException()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("late").DelayHeaders(TimeSpan.FromSeconds(5)));
        using ClaudeClient client = TestClients.For(server, o => o.Timeout = TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(TestClients.Request()));
        Assert.True(ex.IsTimeout);
    }

    [Fact]
    public async Task ErrorBodyEchoingTheKey_IsRedacted()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(401, "authentication_error", $"invalid x-api-key: {TestClients.ApiKey}"));
        using ClaudeClient client = TestClients.For(server);

        var ex = await Assert.ThrowsAsync<ClaudeAuthenticationException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey, ex.ApiMessage, StringComparison.Ordinal);
        Assert.Contains("[redacted]", ex.Message, StringComparison.Ordinal);
    }
}
