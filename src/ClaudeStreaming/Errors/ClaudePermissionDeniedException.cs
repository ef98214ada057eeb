using System.Net;

namespace ClaudeStreaming;

/// <summary>403 Forbidden: the key may not use this resource (<c>permission_error</c>).</summary>
public sealed class ClaudePermissionDeniedException : ClaudeApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="errorType">The API's error type.</param>
    /// <param name="apiMessage">The API's error message.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="isStreamError"><see langword="true"/> when the error arrived as an <c>error</c> event mid-stream.</param>
    public ClaudePermissionDeniedException(HttpStatusCode statusCode, ApiErrorType errorType, string apiMessage, string? requestId, bool isStreamError = false)
        : base(statusCode, errorType, apiMessage, requestId, isStreamError)
    {
    }
}
