using System.Net;

namespace ClaudeStreaming;

/// <summary>413 Payload Too Large: the request exceeds the size limit (<c>request_too_large</c>).</summary>
public sealed class ClaudeRequestTooLargeException : ClaudeApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="errorType">The API's error type.</param>
    /// <param name="apiMessage">The API's error message.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="isStreamError"><see langword="true"/> when the error arrived as an <c>error</c> event mid-stream.</param>
    public ClaudeRequestTooLargeException(HttpStatusCode statusCode, ApiErrorType errorType, string apiMessage, string? requestId, bool isStreamError = false)
        : base(statusCode, errorType, apiMessage, requestId, isStreamError)
    {
    }
}
