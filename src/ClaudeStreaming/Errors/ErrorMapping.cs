using System.Net;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// The one place that builds a <see cref="ClaudeApiException"/>, for an HTTP error response and for an <c>error</c>
/// event alike, with one request-id rule: the <c>request-id</c> response header wins, then the body's <c>request_id</c>
/// (the header is set by Anthropic's edge for every response; the body's copy is absent from proxies' pages).
/// </summary>
internal static class ErrorMapping
{
    /// <summary>The error for a non-success HTTP response whose body text (possibly partial) was read.</summary>
    public static ClaudeApiException FromHttpResponse(HttpResponseMessage response, string bodyText, string? secret, TimeProvider timeProvider, string? note = null)
    {
        ErrorBody body = ErrorBody.FromText(bodyText, secret);
        if (note is not null)
        {
            body = body with { Message = body.Message + " " + note };
        }

        return Create(response.StatusCode, body, RequestId(response, secret), isStreamError: false, RetryRules.ServerDelay(response.Headers, timeProvider), partial: null);
    }

    /// <summary>The error for an <c>error</c> event inside a stream whose response is <paramref name="response"/>.</summary>
    public static ClaudeApiException FromErrorEvent(JsonElement data, HttpResponseMessage response, string? secret, Message? partial) =>
        Create(response.StatusCode, ErrorBody.From(data, secret), RequestId(response, secret), isStreamError: true, retryAfter: null, partial);

    /// <summary>The response's <c>request-id</c> header, redacted and bounded, or <see langword="null"/>.</summary>
    public static string? RequestId(HttpResponseMessage response, string? secret) =>
        Redaction.Header(response.Headers, "request-id", secret, ErrorBody.MaxRequestIdLength);

    /// <summary>Builds the exception; <paramref name="headerRequestId"/> wins over the body's request id.</summary>
    public static ClaudeApiException Create(HttpStatusCode status, ErrorBody body, string? headerRequestId, bool isStreamError, TimeSpan? retryAfter, Message? partial)
    {
        string? requestId = headerRequestId ?? body.RequestId;

        // Inside a 200 stream the status says nothing; the error type decides, as the SDKs do.
        int code = isStreamError ? StatusOf(body.Type) : (int)status;
        ApiErrorType type = body.Type;
        string message = body.Message;
        return code switch
        {
            400 => new ClaudeBadRequestException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            401 => new ClaudeAuthenticationException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            403 => new ClaudePermissionDeniedException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            404 => new ClaudeNotFoundException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            413 => new ClaudeRequestTooLargeException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            429 => new ClaudeRateLimitException(status, type, message, requestId, isStreamError) { PartialMessage = partial, RetryAfter = retryAfter },
            529 => new ClaudeOverloadedException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            >= 500 => new ClaudeInternalServerException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
            _ => new ClaudeApiException(status, type, message, requestId, isStreamError) { PartialMessage = partial },
        };
    }

    private static int StatusOf(ApiErrorType type) => type.Value switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "api_error" => 500,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => 0,
    };
}
