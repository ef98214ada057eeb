using System.Net;

namespace ClaudeStreaming;

/// <summary>A 5xx status other than 529, or an <c>api_error</c> event: the API failed internally; retrying later may succeed.</summary>
public sealed class ClaudeInternalServerException : ClaudeApiException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="errorType">The API's error type.</param>
    /// <param name="apiMessage">The API's error message.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="isStreamError"><see langword="true"/> when the error arrived as an <c>error</c> event mid-stream.</param>
    public ClaudeInternalServerException(HttpStatusCode statusCode, ApiErrorType errorType, string apiMessage, string? requestId, bool isStreamError = false)
        : base(statusCode, errorType, apiMessage, requestId, isStreamError)
    {
    }
}
