using Microsoft.Extensions.Logging;

namespace ClaudeStreaming;

/// <summary>
/// The client's log events. Their ids and names are stable (dashboards and filters depend on them): add new ones,
/// never renumber. None carries content or a credential.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "RequestSent", Level = LogLevel.Debug,
        Message = "Sending a Messages request for {Model} (attempt {Attempt})")]
    public static partial void RequestSent(ILogger logger, string model, int attempt);

    [LoggerMessage(EventId = 2, EventName = "RetryScheduled", Level = LogLevel.Information,
        Message = "Attempt {Attempt} failed with {StatusCode} {ErrorType}; retrying in {DelayMs} ms")]
    public static partial void RetryScheduled(ILogger logger, int attempt, int? statusCode, string errorType, double delayMs);

    [LoggerMessage(EventId = 3, EventName = "ResponseStarted", Level = LogLevel.Debug,
        Message = "Response {StatusCode} started (request-id {RequestId}), headers after {TimeToHeadersMs} ms")]
    public static partial void ResponseStarted(ILogger logger, int statusCode, string? requestId, double timeToHeadersMs);

    [LoggerMessage(EventId = 4, EventName = "StreamCompleted", Level = LogLevel.Information,
        Message = "Stream completed (request-id {RequestId}): stop reason {StopReason}, {InputTokens} input and {OutputTokens} output tokens, {DurationMs} ms, first text after {TimeToFirstTextMs} ms")]
    public static partial void StreamCompleted(ILogger logger, string? requestId, string? stopReason, int inputTokens, int outputTokens, double durationMs, double? timeToFirstTextMs);

    [LoggerMessage(EventId = 5, EventName = "StreamFailed", Level = LogLevel.Warning,
        Message = "Stream failed (request-id {RequestId}): {FailureKind} after {EventsReceived} events")]
    public static partial void StreamFailed(ILogger logger, string? requestId, string failureKind, long eventsReceived, Exception exception);

    [LoggerMessage(EventId = 6, EventName = "StreamCancelled", Level = LogLevel.Information,
        Message = "Stream cancelled by the caller (request-id {RequestId}) after {EventsReceived} events")]
    public static partial void StreamCancelled(ILogger logger, string? requestId, long eventsReceived);

    [LoggerMessage(EventId = 7, EventName = "StreamAbandoned", Level = LogLevel.Debug,
        Message = "Stream released before it completed (request-id {RequestId}) after {EventsReceived} events")]
    public static partial void StreamAbandoned(ILogger logger, string? requestId, long eventsReceived);
}
