using System.Net;

namespace ClaudeStreaming;

/// <summary>Chooses the exception type for an HTTP error status, or for an <c>error</c> event's error type.</summary>
internal static class ErrorMapping
{
    public static ClaudeApiException Create(HttpStatusCode status, ErrorBody body, string? requestId, bool isStreamError, TimeSpan? retryAfter, Message? partial)
    {
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
