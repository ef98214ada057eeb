using System.Buffers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClaudeStreaming.AspNetCore;

/// <summary>Writes one <see cref="MessageStream"/> to the response as <c>text</c>, <c>usage</c> and <c>error</c> events.</summary>
internal sealed partial class MessageStreamSseResult : IResult
{
    internal const string TextEvent = "text";
    internal const string UsageEvent = "usage";
    internal const string ErrorEvent = "error";

    // The data is JSON inside a text/event-stream body, never HTML, so only what JSON itself requires is escaped:
    // non-ASCII text (é, 日本) stays readable UTF-8 on the wire.
    private static readonly JsonWriterOptions s_writerOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly MessageStream? _stream;
    private readonly Func<CancellationToken, Task<MessageStream>>? _startStream;

    internal MessageStreamSseResult(MessageStream? stream, Func<CancellationToken, Task<MessageStream>>? startStream)
    {
        _stream = stream;
        _startStream = startStream;
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        CancellationToken cancellationToken = httpContext.RequestAborted;
        ILogger logger = httpContext.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger(typeof(ClaudeResults).FullName!)
            ?? NullLogger.Instance;

        HttpResponse response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache,no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        // Reverse proxies such as nginx buffer responses unless told not to; each event must reach the client now.
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        try
        {
            // Headers go out before the upstream call so the client sees the stream open at once.
            await response.StartAsync(cancellationToken).ConfigureAwait(false);
            await SseFormatter.WriteAsync(ReadEventsAsync(logger, cancellationToken), response.Body, FormatItem, cancellationToken)
                .ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; the stream was disposed on the way out, which closed the upstream connection.
            Log.ClientDisconnected(logger);
        }
    }

    private async IAsyncEnumerable<SseItem<RelayEvent>> ReadEventsAsync(
        ILogger logger, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        MessageStream? stream = _stream;
        try
        {
            RelayEvent? failure = null;
            if (stream is null)
            {
                (stream, failure) = await StartAsync(_startStream!, logger, cancellationToken).ConfigureAwait(false);
            }

            if (stream is not null)
            {
                IAsyncEnumerator<string> texts = stream.TextStream.GetAsyncEnumerator(cancellationToken);
                try
                {
                    while (true)
                    {
                        (bool moved, failure) = await MoveNextAsync(texts, logger, cancellationToken).ConfigureAwait(false);
                        if (!moved)
                        {
                            break;
                        }

                        yield return new SseItem<RelayEvent>(RelayEvent.ForText(texts.Current), TextEvent);
                    }
                }
                finally
                {
                    await texts.DisposeAsync().ConfigureAwait(false);
                }

                if (failure is null)
                {
                    Message? final;
                    (final, failure) = await GetFinalAsync(stream, logger, cancellationToken).ConfigureAwait(false);
                    if (final is not null)
                    {
                        yield return new SseItem<RelayEvent>(RelayEvent.ForUsage(final), UsageEvent);
                    }
                }
            }

            if (failure is { } error)
            {
                yield return new SseItem<RelayEvent>(error, ErrorEvent);
            }
        }
        finally
        {
            // Disposing the stream disposes its HTTP response: when the client left, the upstream reply stops here.
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<(MessageStream? Stream, RelayEvent? Failure)> StartAsync(
        Func<CancellationToken, Task<MessageStream>> startStream, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return (await startStream(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception exception) when (IsRelayable(exception, cancellationToken))
        {
            return (null, Fail(exception, logger));
        }
    }

    private static async Task<(bool Moved, RelayEvent? Failure)> MoveNextAsync(
        IAsyncEnumerator<string> texts, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return (await texts.MoveNextAsync().ConfigureAwait(false), null);
        }
        catch (Exception exception) when (IsRelayable(exception, cancellationToken))
        {
            return (false, Fail(exception, logger));
        }
    }

    private static async Task<(Message? Final, RelayEvent? Failure)> GetFinalAsync(
        MessageStream stream, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return (await stream.GetFinalMessageAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (Exception exception) when (IsRelayable(exception, cancellationToken))
        {
            return (null, Fail(exception, logger));
        }
    }

    // Cancellation by the departing client is not an error to report: there is nobody left to read it.
    private static bool IsRelayable(Exception exception, CancellationToken cancellationToken) =>
        !(exception is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static RelayEvent Fail(Exception exception, ILogger logger)
    {
        if (exception is ClaudeException claude)
        {
            Log.ReplyFailed(logger, claude.RequestId, claude);
            return RelayEvent.ForError(claude);
        }

        // Anything else is a bug or an environment failure; its details stay in the server log.
        Log.RelayFailed(logger, exception);
        return RelayEvent.ForRelayError();
    }

    private static void FormatItem(SseItem<RelayEvent> item, IBufferWriter<byte> destination)
    {
        using var writer = new Utf8JsonWriter(destination, s_writerOptions);
        item.Data.WriteTo(writer);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "The client disconnected; the Claude reply was cancelled.")]
        public static partial void ClientDisconnected(ILogger logger);

        [LoggerMessage(2, LogLevel.Warning, "The Claude reply failed (request-id {RequestId}); relayed as an error event.")]
        public static partial void ReplyFailed(ILogger logger, string? requestId, Exception exception);

        [LoggerMessage(3, LogLevel.Error, "Relaying the Claude reply failed; relayed as an error event.")]
        public static partial void RelayFailed(ILogger logger, Exception exception);
    }
}
