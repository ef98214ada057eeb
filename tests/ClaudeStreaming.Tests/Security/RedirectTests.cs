using System.Net;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeStreaming.Tests;

/// <summary>Issue 8: the key follows no redirect, on any path. The second listener counts what reaches it.</summary>
public sealed class RedirectTests
{
    private const string Sse =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    public static TheoryData<int> RedirectStatuses => new() { 301, 302, 303, 307, 308 };

    private static HostileServer SecondHost() => HostileServer.Respond(
        $"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: {Sse.Length}\r\nConnection: close\r\n\r\n{Sse}");

    private static HostileServer Redirecting(int status, Uri target) => HostileServer.Respond(
        $"HTTP/1.1 {status} Moved\r\nLocation: {new Uri(target, "v1/messages")}\r\nrequest-id: req_redirect\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

    [Theory]
    [MemberData(nameof(RedirectStatuses))]
    public async Task StreamAsync_Standalone3xx_IsTypedErrorNamingStatusAndHost_AndNothingReachesTheSecondHost(int status)
    {
        await using HostileServer second = SecondHost();
        await using HostileServer first = Redirecting(status, second.BaseAddress);
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = first.BaseAddress, MaxRetries = 2 });

        ClaudeApiException ex = await Assert.ThrowsAsync<ClaudeApiException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Contains($"127.0.0.1:{second.BaseAddress.Port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"Claude API {status}", ex.Message, StringComparison.Ordinal);
        Assert.Equal("req_redirect", ex.RequestId);
        Assert.Equal(1, first.ConnectionCount);   // refused, not retried
        Assert.Equal(0, second.ConnectionCount);
    }

    [Theory]
    [MemberData(nameof(RedirectStatuses))]
    public async Task StreamAsync_DependencyInjection3xx_IsTypedError_AndNothingReachesTheSecondHost(int status)
    {
        await using HostileServer second = SecondHost();
        await using HostileServer first = Redirecting(status, second.BaseAddress);
        var services = new ServiceCollection();
        services.AddClaudeClient(o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.BaseAddress = first.BaseAddress;
            o.MaxRetries = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        ClaudeClient client = provider.GetRequiredService<ClaudeClient>();

        ClaudeApiException ex = await Assert.ThrowsAsync<ClaudeApiException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal((HttpStatusCode)status, ex.StatusCode);
        Assert.Equal(0, second.ConnectionCount);
    }

    [Fact]
    public async Task StreamAsync_DependencyInjectionWithAppPrimaryHandlerThatFollowsRedirects_StillFollowsNone()
    {
        await using HostileServer second = SecondHost();
        await using HostileServer first = Redirecting(307, second.BaseAddress);
        var services = new ServiceCollection();
        // An app that sets its own handler (for a proxy, say) gets AllowAutoRedirect = true by default.
        services.AddClaudeClient(o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.BaseAddress = first.BaseAddress;
            o.MaxRetries = 0;
        }).ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler());
        await using ServiceProvider provider = services.BuildServiceProvider();
        ClaudeClient client = provider.GetRequiredService<ClaudeClient>();

        ClaudeApiException ex = await Assert.ThrowsAsync<ClaudeApiException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal(HttpStatusCode.TemporaryRedirect, ex.StatusCode);
        Assert.Equal(0, second.ConnectionCount);
    }

    public static TheoryData<string> FollowingClients => new() { "default HttpClient", "SocketsHttpHandler", "HttpClientHandler behind a DelegatingHandler" };

    [Theory]
    [MemberData(nameof(FollowingClients))]
    public void Constructor_SuppliedHttpClientThatFollowsRedirects_IsRefused(string kind)
    {
        using HttpClient http = kind switch
        {
            "default HttpClient" => new HttpClient(),
            "SocketsHttpHandler" => new HttpClient(new SocketsHttpHandler()),
            _ => new HttpClient(new PassThroughHandler(new HttpClientHandler())),
        };

        var ex = Assert.Throws<ArgumentException>(() => new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey }));

        Assert.Equal("httpClient", ex.ParamName);
        Assert.Contains("AllowAutoRedirect = false", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamAsync_SuppliedHttpClientWithoutRedirects_3xx_IsTypedError_AndNothingReachesTheSecondHost()
    {
        await using HostileServer second = SecondHost();
        await using HostileServer first = Redirecting(308, second.BaseAddress);
        using var http = new HttpClient(new PassThroughHandler(new SocketsHttpHandler { AllowAutoRedirect = false }));
        using var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = first.BaseAddress, MaxRetries = 0 });

        ClaudeApiException ex = await Assert.ThrowsAsync<ClaudeApiException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal(HttpStatusCode.PermanentRedirect, ex.StatusCode);
        Assert.Equal(0, second.ConnectionCount);
    }

    [Fact]
    public async Task StreamAsync_OpaqueHandlerThatFollowedARedirect_FailsNamingTheHost_InsteadOfReadingItsReply()
    {
        // The documented limit: a handler the library cannot see into has already sent the key when the response
        // comes back; the library refuses the other host's reply and says where the key may have gone.
        await using HostileServer second = SecondHost();
        await using HostileServer first = Redirecting(307, second.BaseAddress);
        using var http = new HttpClient(new OpaqueFollowingHandler());
        using var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = first.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<ClaudeConnectionException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Contains($"127.0.0.1:{second.BaseAddress.Port}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("AllowAutoRedirect = false", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1, second.ConnectionCount);
    }

    [Fact]
    public async Task StreamAsync_LocationEchoingTheKey_IsRedactedFromTheError()
    {
        await using HostileServer first = HostileServer.Respond(
            $"HTTP/1.1 302 Found\r\nLocation: https://{TestClients.ApiKey}.evil.example/?k={TestClients.ApiKey}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = first.BaseAddress, MaxRetries = 0 });

        ClaudeApiException ex = await Assert.ThrowsAsync<ClaudeApiException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal(HttpStatusCode.Found, ex.StatusCode);
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("evil.example", ex.Message, StringComparison.Ordinal);
    }

    private sealed class PassThroughHandler(HttpMessageHandler inner) : DelegatingHandler(inner);

    /// <summary>A handler of a type the library does not know, which follows redirects inside.</summary>
    private sealed class OpaqueFollowingHandler : HttpMessageHandler
    {
        private readonly HttpMessageInvoker _inner = new(new SocketsHttpHandler { AllowAutoRedirect = true });

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            _inner.SendAsync(request, cancellationToken);

        protected override void Dispose(bool disposing)
        {
            _inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
