using System.Net;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Tests;

/// <summary>Issue 9: HTTP errors and error events are built in one place, with one request-id rule (header, then body).</summary>
public sealed class ErrorMappingTests
{
    private const string BodyWithId = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"},\"request_id\":\"req_body\"}";

    [Fact]
    public void FromErrorEvent_HeaderRequestIdWins_OverTheBodys()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.TryAddWithoutValidation("request-id", "req_header");

        ClaudeApiException ex = ErrorMapping.FromErrorEvent(JsonElement.Parse(BodyWithId), response, secret: null, partial: null);

        Assert.IsType<ClaudeOverloadedException>(ex);
        Assert.Equal("req_header", ex.RequestId);
        Assert.True(ex.IsStreamError);
    }

    [Fact]
    public void FromErrorEvent_WithoutHeader_UsesTheBodys()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        ClaudeApiException ex = ErrorMapping.FromErrorEvent(JsonElement.Parse(BodyWithId), response, secret: null, partial: null);

        Assert.Equal("req_body", ex.RequestId);
    }

    [Fact]
    public void FromHttpResponse_FollowsTheSameRule()
    {
        using var withHeader = new HttpResponseMessage((HttpStatusCode)529);
        withHeader.Headers.TryAddWithoutValidation("request-id", "req_header");
        using var withoutHeader = new HttpResponseMessage((HttpStatusCode)529);

        ClaudeApiException fromHeader = ErrorMapping.FromHttpResponse(withHeader, BodyWithId, secret: null, TimeProvider.System);
        ClaudeApiException fromBody = ErrorMapping.FromHttpResponse(withoutHeader, BodyWithId, secret: null, TimeProvider.System);

        Assert.Equal("req_header", fromHeader.RequestId);
        Assert.Equal("req_body", fromBody.RequestId);
        Assert.IsType<ClaudeOverloadedException>(fromHeader);
        Assert.False(fromHeader.IsStreamError);
    }

    [Fact]
    public async Task StreamAsync_HeaderAndBodyRequestIdsDiffer_HeaderWins_OverTheWire()
    {
        await using HostileServer server = HostileServer.Respond(
            $"HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nrequest-id: req_header\r\nContent-Length: {Encoding.UTF8.GetByteCount(BodyWithId)}\r\nConnection: close\r\n\r\n{BodyWithId}");
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

        var ex = await Assert.ThrowsAsync<ClaudeBadRequestException>(() => client.Messages.StreamAsync(TestClients.Request()));

        Assert.Equal("req_header", ex.RequestId);
        Assert.EndsWith("(request-id req_header)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromErrorEvent_HugeTypeAndRequestId_AreBounded()
    {
        string huge = new('x', 100_000);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);

        ClaudeApiException ex = ErrorMapping.FromErrorEvent(
            JsonElement.Parse($"{{\"type\":\"error\",\"error\":{{\"type\":\"{huge}\",\"message\":\"{huge}\"}},\"request_id\":\"{huge}\"}}"), response, secret: null, partial: null);

        Assert.True(ex.ErrorType.Value.Length <= ErrorBody.MaxTypeLength + 1);
        Assert.True(ex.ApiMessage.Length <= ErrorBody.MaxMessageLength + 1);
        Assert.True(ex.RequestId!.Length <= ErrorBody.MaxRequestIdLength + 1);
    }
}
