using System.Net;

namespace ClaudeStreaming;

/// <summary>429 Too Many Requests, or a <c>rate_limit_error</c> event: a rate limit was hit; wait <see cref="RetryAfter"/> before retrying.</summary>
public sealed class ClaudeRateLimitException : ClaudeApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="errorType">The API's error type.</param>
    /// <param name="apiMessage">The API's error message.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="isStreamError"><see langword="true"/> when the error arrived as an <c>error</c> event mid-stream.</param>
    public ClaudeRateLimitException(HttpStatusCode statusCode, ApiErrorType errorType, string apiMessage, string? requestId, bool isStreamError = false)
        : base(statusCode, errorType, apiMessage, requestId, isStreamError)
    {
    }

    /// <summary>How long the API asked to wait (from <c>retry-after-ms</c> or <c>retry-after</c>); <see langword="null"/> when it did not say.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
