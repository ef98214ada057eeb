using System.Globalization;
using System.Net;
using Polly.Timeout;

namespace ClaudeStreaming;

/// <summary>The low-cardinality <c>error.type</c> of a failure: the API's error type, else the failure kind, else the exception's type name.</summary>
internal static class ErrorTypes
{
    /// <summary>Every cancellation gets one value, whichever subclass carried it.</summary>
    public static readonly string Cancelled = typeof(OperationCanceledException).FullName!;

    public static string Of(Exception exception) => exception switch
    {
        ClaudeApiException { ErrorType.Value: { Length: > 0 } type } => type,
        ClaudeApiException api => Status(api.StatusCode),
        ClaudeStreamException stream => Of(stream.Failure),
        ClaudeConnectionException { IsTimeout: true } => "timeout",
        ClaudeConnectionException { InnerException: HttpRequestException http } => Of(http),
        OperationCanceledException => Cancelled,
        _ => exception.GetType().FullName ?? "_OTHER",
    };

    /// <summary>For a retried attempt, whose error body is not read: the API's error type for the statuses it documents.</summary>
    public static string OfRetried(HttpStatusCode? status, Exception? exception) => (status, exception) switch
    {
        (HttpStatusCode.TooManyRequests, _) => "rate_limit_error",
        ((HttpStatusCode)529, _) => "overloaded_error",
        (HttpStatusCode.InternalServerError, _) => "api_error",
        (HttpStatusCode.RequestTimeout, _) => "timeout_error",
        ({ } other, _) => Status(other),
        (_, TimeoutRejectedException) => "timeout",
        (_, HttpRequestException http) => Of(http),
        (_, { } ex) => ex.GetType().FullName ?? "_OTHER",
        _ => "_OTHER",
    };

    public static string Of(StreamFailure failure) => failure switch
    {
        StreamFailure.MalformedEvent => "malformed_event",
        StreamFailure.ProtocolViolation => "protocol_violation",
        StreamFailure.EndedEarly => "ended_early",
        StreamFailure.ConnectionLost => "connection_lost",
        StreamFailure.Stalled => "stalled",
        _ => "_OTHER",
    };

    // The values .NET's own HttpClient metrics use for error.type.
    private static string Of(HttpRequestException exception) => exception.HttpRequestError switch
    {
        HttpRequestError.NameResolutionError => "name_resolution_error",
        HttpRequestError.ConnectionError => "connection_error",
        HttpRequestError.SecureConnectionError => "secure_connection_error",
        HttpRequestError.HttpProtocolError => "http_protocol_error",
        HttpRequestError.VersionNegotiationError => "version_negotiation_error",
        HttpRequestError.ProxyTunnelError => "proxy_tunnel_error",
        HttpRequestError.InvalidResponse => "invalid_response",
        HttpRequestError.ResponseEnded => "response_ended",
        _ => typeof(HttpRequestException).FullName!,
    };

    private static string Status(HttpStatusCode status) => ((int)status).ToString(CultureInfo.InvariantCulture);
}
