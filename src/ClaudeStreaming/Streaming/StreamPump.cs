using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// The one pass over a response body behind a <see cref="MessageStream"/>: reads an event, applies it to the
/// accumulator, and turns every failure into the library's exception. Its views (text, events, snapshot) live in
/// <see cref="MessageStream"/>.
/// </summary>
/// <remarks>
/// Read from one consumer at a time. <see cref="Abandon"/> and the callers' cancellation may come from any thread:
/// they close the connection at once, and the reader, if one is waiting, then fails with the matching exception.
/// </remarks>
internal sealed class StreamPump : IDisposable
{
    /// <summary>What a completed stream may still read to reach the end of its body (the chunked terminator, a trailing blank line).</summary>
    internal const int MaxDrainBytes = 16 * 1024;

    /// <summary>How long a completed stream waits for the end of its body before it closes the connection instead.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(1);

    private readonly HttpResponseMessage _response;
    private readonly ResponseBodyStream _body;
    private readonly IAsyncEnumerator<SseItem<ParsedEvent>> _events;
    private readonly string? _apiKey;
    private readonly CancellationToken _streamToken;
    private readonly CancellationTokenRegistration _streamTokenRegistration;
    private ParsedEvent _current;
    private bool _currentApplied;
    private long _eventNumber;
    private int _reading;
    private int _connectionReleased;
    private bool _parserDisposed;
    private volatile State _state;
    private Exception? _fault;
    private string? _parsingEventType;
    private readonly CallTelemetry? _telemetry; // telemetry

    // Where the parser unescapes a tool-input fragment; one event is applied (and shown) before the next is parsed.
    private readonly System.Buffers.ArrayBufferWriter<byte> _utf8Scratch = new(256);

    private enum State
    {
        Streaming,
        Completed,
        Faulted,
        Abandoned,
    }

    public StreamPump(HttpResponseMessage response, Stream body, TimeSpan idleTimeout, TimeProvider timeProvider, string? apiKey, CancellationToken cancellationToken, CallTelemetry? telemetry = null) // telemetry: last parameter
    {
        _response = response;
        _telemetry = telemetry; // telemetry
        _apiKey = apiKey;
        _body = new ResponseBodyStream(body, idleTimeout, timeProvider);
        _events = SseParser.Create(_body, ParseEvent).EnumerateAsync(CancellationToken.None).GetAsyncEnumerator(CancellationToken.None);
        RequestId = ErrorMapping.RequestId(response, apiKey);
        _streamToken = cancellationToken;
        _streamTokenRegistration = RegisterCaller(cancellationToken);
    }

    public MessageAccumulator Accumulator { get; } = new();

    public HttpResponseMessage Response => _response;

    public string? RequestId { get; }

    /// <summary>The event the last successful <see cref="ReadNextAsync"/> read.</summary>
    public ref readonly ParsedEvent Current => ref _current;

    /// <summary>Whether <see cref="Current"/> changed the content (a text delta that went to a text block).</summary>
    public bool CurrentApplied => _currentApplied;

    public bool IsCompleted => _state == State.Completed;

    /// <summary>Registers a caller's token: when it fires, the connection is closed at once, whether or not a read is pending.</summary>
    public CancellationTokenRegistration RegisterCaller(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((StreamPump)s!).CancelByCaller(), this)
            : default;

    /// <summary>Reads the next event (skipping empty ones). <see langword="false"/> once the stream has completed.</summary>
    /// <remarks>Pooled builder: when a read must wait for the network, the suspended state is reused rather than allocated per event.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ReadNextAsync(CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.Completed:
                return false;
            case State.Faulted:
                throw _fault!;
            case State.Abandoned:
                throw new InvalidOperationException(
                    "The stream was released before the message completed (it was disposed). CurrentMessage holds what arrived.");
        }

        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("The MessageStream is already being read; use it from one consumer at a time.");
        }

        try
        {
            while (true)
            {
                // Events already buffered are returned without a read, but a canceled caller stops here.
                cancellationToken.ThrowIfCancellationRequested();
                _streamToken.ThrowIfCancellationRequested();
                if (!await _events.MoveNextAsync().ConfigureAwait(false))
                {
                    throw StreamFailed(StreamFailure.EndedEarly, _eventNumber == 0
                        ? $"The response body ended before any event arrived (content-type: {_response.Content.Headers.ContentType?.ToString() ?? "none"})."
                        : $"The response body ended after event {_eventNumber} without message_stop.", _eventNumber);
                }

                _eventNumber++;
                _current = _events.Current.Data;
                if (_current.Kind != EventKind.Empty)
                {
                    break;
                }
            }

            ApplyCurrent();
            if (_current.Kind == EventKind.MessageStop)
            {
                await CompleteAsync().ConfigureAwait(false);
            }

            return true;
        }
        catch (ClaudeException ex) when (ReferenceEquals(ex, _fault))
        {
            throw;
        }
        catch (MalformedEventException ex)
        {
            long number = ex.WhileParsing ? _eventNumber + 1 : _eventNumber;
            throw StreamFailed(StreamFailure.MalformedEvent,
                $"Event {number} ('{Redact(_parsingEventType ?? "")}') is malformed: {Redact(ex.InnerException!.Message)}", number, Sanitize(ex.InnerException!));
        }
        catch (StreamProtocolException ex)
        {
            throw StreamFailed(StreamFailure.ProtocolViolation, $"Event {_eventNumber} breaks the protocol: {ex.Message}.", _eventNumber, ex);
        }
        catch (StreamStalledException ex)
        {
            throw StreamFailed(StreamFailure.Stalled, $"The stream stalled: no data arrived for {ex.IdleTimeout.TotalSeconds:0.###} s after event {_eventNumber}.", _eventNumber, ex);
        }
        catch (Exception ex) when (ex is OperationCanceledException || cancellationToken.IsCancellationRequested || _streamToken.IsCancellationRequested)
        {
            // Name the caller's token (the reads were cancelled through the stream's own source), so that
            // `catch (OperationCanceledException e) when (e.CancellationToken == token)` works as callers expect.
            CancellationToken token = cancellationToken.IsCancellationRequested ? cancellationToken
                : _streamToken.IsCancellationRequested ? _streamToken
                : (ex as OperationCanceledException)?.CancellationToken ?? default;
            throw Fault(ex is OperationCanceledException oce && token == oce.CancellationToken ? ex : new OperationCanceledException(Redact(ex.Message), ex, token));
        }
        catch (Exception ex)
        {
            if (_state == State.Abandoned)
            {
                throw new InvalidOperationException("The stream was released while it was being read.", ex);
            }

            // IOException, HttpRequestException, and what a decoding stream throws on a corrupt gzip, deflate or brotli body
            // (InvalidDataException, InvalidOperationException): the body could not be read on.
            throw StreamFailed(StreamFailure.ConnectionLost, $"The connection was lost after event {_eventNumber}: {Redact(ex.Message)}", _eventNumber, Sanitize(ex));
        }
        finally
        {
            if (_state != State.Streaming)
            {
                DisposeParser();
            }

            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>Applies the event just read; every failure of the data becomes a malformed event, every break of the order a protocol violation.</summary>
    private void ApplyCurrent()
    {
        if (_current.Kind == EventKind.Error)
        {
            throw Fault(ErrorEvent(_current.Json));
        }

        try
        {
            _currentApplied = Accumulator.Apply(_current);
        }
        catch (Exception ex) when (ex is not StreamProtocolException)
        {
            throw new MalformedEventException(ex, whileParsing: false);
        }

        _telemetry?.OnEvent(_current.Kind, Accumulator); // telemetry: every event (chunks, message_start/delta, message_stop = completed)
    }

    /// <summary>message_stop arrived: read the rest of the body so the connection goes back to the pool, then release it.</summary>
    private async ValueTask CompleteAsync()
    {
        _state = State.Completed;

        // Anthropic: message_stop is last, and the body's end (the chunked terminator) follows at once. A body that goes
        // on, or does not end soon, is cut instead: the connection is closed rather than pooled.
        await _body.DrainAsync(MaxDrainBytes, DrainTimeout).ConfigureAwait(false);
        Release();
    }

    /// <summary>Disposed before the end: the reply is abandoned and the connection closed at once (generation stops).</summary>
    public void Abandon()
    {
        if (_state == State.Streaming)
        {
            _state = State.Abandoned;
            _telemetry?.Abandoned(_eventNumber); // telemetry
        }

        _streamTokenRegistration.Dispose();
        ReleaseConnection();
        if (Interlocked.CompareExchange(ref _reading, 1, 0) == 0)
        {
            // No read is pending, so the parser can return its pooled buffers now (otherwise the reader does it).
            DisposeParser();
            Volatile.Write(ref _reading, 0);
        }
    }

    /// <summary>The same as <see cref="Abandon"/>.</summary>
    public void Dispose() => Abandon();

    private void CancelByCaller()
    {
        _body.CancelByCaller();
        ReleaseConnection();
    }

    private Exception Fault(Exception exception)
    {
        if (_state == State.Streaming)
        {
            _state = State.Faulted;
            _fault = exception;
            _telemetry?.Failed(exception, _eventNumber); // telemetry
            Release();
        }

        return exception;
    }

    private void Release()
    {
        _streamTokenRegistration.Dispose();
        ReleaseConnection();
    }

    private void ReleaseConnection()
    {
        if (Interlocked.Exchange(ref _connectionReleased, 1) == 0)
        {
            _response.Dispose();
            _body.Dispose();
        }
    }

    private void DisposeParser()
    {
        if (_parserDisposed)
        {
            return;
        }

        _parserDisposed = true;
        try
        {
            // The SSE parser returns its pooled buffers in its finally; it runs synchronously once the body is released.
            ValueTask disposal = _events.DisposeAsync();
            if (!disposal.IsCompletedSuccessfully)
            {
                _ = disposal.AsTask().ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or NotSupportedException or InvalidOperationException)
        {
            // Nothing to give back beyond what the parser already released.
        }
    }

    private ParsedEvent ParseEvent(string eventType, ReadOnlySpan<byte> data)
    {
        // Remembered so that a malformed event can be named in the exception.
        _parsingEventType = eventType;
        try
        {
            return SseEventParser.Parse(eventType, data, _utf8Scratch);
        }
        catch (Exception ex)
        {
            throw new MalformedEventException(ex, whileParsing: true);
        }
    }

    private Exception StreamFailed(StreamFailure failure, string message, long eventNumber, Exception? inner = null) =>
        Fault(new ClaudeStreamException(failure, message, eventNumber, inner) { RequestId = RequestId, PartialMessage = PartialOrNull() });

    private Message? PartialOrNull() => Accumulator.HasStarted ? Accumulator.Snapshot() : null;

    private ClaudeApiException ErrorEvent(JsonElement data)
    {
        try
        {
            // One rule for both paths (ErrorMapping): the request-id header wins, then the event's request_id.
            return ErrorMapping.FromErrorEvent(data, _response, _apiKey, PartialOrNull());
        }
        catch (Exception ex) when (ex is not ClaudeException)
        {
            throw new MalformedEventException(ex, whileParsing: false);
        }
    }

    /// <summary>Removes the API key from text a server may have shaped (event names, parser and socket messages); done before any truncation.</summary>
    private string Redact(string text) => Redaction.Text(text, _apiKey);

    /// <summary>Keeps the inner exception unless its text carries the key; then a sanitized copy.</summary>
    private Exception Sanitize(Exception inner) => Redaction.Exception(inner, _apiKey)!;
}

/// <summary>Raised inside the pump when events break the protocol's order; turned into a <see cref="ClaudeStreamException"/>.</summary>
internal sealed class StreamProtocolException(string what) : Exception(what);

/// <summary>An event's data could not be read (whatever the reader threw); turned into a malformed-event <see cref="ClaudeStreamException"/>.</summary>
internal sealed class MalformedEventException(Exception inner, bool whileParsing) : Exception(inner.Message, inner)
{
    /// <summary>Whether it failed while the SSE parser read the event (before it was counted) rather than while applying it.</summary>
    public bool WhileParsing { get; } = whileParsing;
}
