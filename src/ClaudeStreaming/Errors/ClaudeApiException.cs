using System.Net;

namespace ClaudeStreaming;

/// <summary>The API answered with an error: a non-success HTTP status, or an <c>error</c> event in the middle of a stream.</summary>
/// <remarks>
/// Subclasses exist for the statuses callers branch on (<see cref="ClaudeRateLimitException"/>, <see cref="ClaudeOverloadedException"/>, ...).
/// For an <c>error</c> event the status is that of the stream's response (200) and the subclass follows <see cref="ErrorType"/>.
/// </remarks>
public class ClaudeApiException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="statusCode">The HTTP status of the response.</param>
    /// <param name="errorType">The API's error type.</param>
    /// <param name="apiMessage">The API's error message.</param>
    /// <param name="requestId">The request id.</param>
    /// <param name="isStreamError"><see langword="true"/> when the error arrived as an <c>error</c> event mid-stream.</param>
    public ClaudeApiException(HttpStatusCode statusCode, ApiErrorType errorType, string apiMessage, string? requestId, bool isStreamError = false)
        : base(Describe(statusCode, errorType, apiMessage, requestId, isStreamError))
    {
        StatusCode = statusCode;
        ErrorType = errorType;
        ApiMessage = apiMessage;
        RequestId = requestId;
        IsStreamError = isStreamError;
    }

    /// <summary>The HTTP status of the response (200 for an <c>error</c> event inside a stream).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The API's error type, for example <c>overloaded_error</c>.</summary>
    public ApiErrorType ErrorType { get; }

    /// <summary>The API's error message, or the raw body when it was not the API's JSON.</summary>
    public string ApiMessage { get; }

    /// <summary><see langword="true"/> when the error arrived as an <c>error</c> event after the stream had begun.</summary>
    public bool IsStreamError { get; }

    private static string Describe(HttpStatusCode status, ApiErrorType type, string message, string? requestId, bool isStreamError)
    {
        string where = isStreamError ? "error event mid-stream" : ((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string kind = type.Value.Length > 0 ? " " + type.Value : "";
        string id = requestId is null ? "" : $" (request-id {requestId})";
        return $"Claude API {where}{kind}: {message}{id}";
    }
}
