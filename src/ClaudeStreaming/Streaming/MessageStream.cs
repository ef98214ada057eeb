using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// A streamed reply from the Messages API: its text as it arrives (<see cref="TextStream"/>), its typed events
/// (enumerate the stream itself), a live snapshot (<see cref="CurrentMessage"/>) and the final message
/// (<see cref="GetFinalMessageAsync"/>).
/// </summary>
/// <remarks>
/// <para>
/// One pump: the HTTP body is read exactly once, as it arrives, and the text stream, the events, the snapshot and the
/// final message are all views over that single pass. So the stream can be enumerated once, through either
/// <see cref="TextStream"/> or the events; a second enumeration throws <see cref="InvalidOperationException"/>.
/// </para>
/// <para>
/// Disposing the stream, or breaking out of <c>await foreach</c>, releases the HTTP response at once, which closes the
/// connection and stops generation (and its billing). <see cref="GetFinalMessageAsync"/> reads whatever the caller did
/// not, so it may be called without enumerating at all.
/// </para>
/// <para>
/// On a failure (an <c>error</c> event, a malformed event, a dropped connection, a stall) the exception carries the
/// partial message, and <see cref="TextStream"/> has already yielded all text that arrived before it. The instance is
/// not thread-safe: use it from one consumer at a time.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name users know from the Python SDK's messages.stream().")]
public sealed class MessageStream : IAsyncEnumerable<StreamEvent>, IAsyncDisposable, IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly ResponseBodyStream _body;
    private readonly IAsyncEnumerator<SseItem<ParsedEvent>> _events;
    private readonly MessageAccumulator _accumulator = new();
    private readonly string? _apiKey;
    private readonly CancellationToken _streamToken;
    private CancellationTokenRegistration _streamTokenRegistration;
    private ParsedEvent _current;
    private bool _currentApplied;
    private long _eventNumber;
    private int _enumerated;
    private int _reading;
    private State _state;
    private Exception? _fault;
    private string? _parsingEventType;
    private readonly CallTelemetry? _telemetry; // telemetry

    private enum State
    {
        Streaming,
        Completed,
        Faulted,
        Abandoned,
    }

    internal MessageStream(HttpResponseMessage response, Stream body, TimeSpan idleTimeout, TimeProvider timeProvider, string? apiKey, CancellationToken cancellationToken, CallTelemetry? telemetry = null) // telemetry: last parameter
    {
        _response = response;
        _telemetry = telemetry; // telemetry
        _apiKey = apiKey;
        _body = new ResponseBodyStream(body, idleTimeout, timeProvider);
        _events = SseParser.Create(_body, ParseEvent).EnumerateAsync(CancellationToken.None).GetAsyncEnumerator(CancellationToken.None);
        RequestId = response.Headers.TryGetValues("request-id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : null;
        _streamToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _streamTokenRegistration = cancellationToken.UnsafeRegister(static s => ((ResponseBodyStream)s!).CancelByCaller(), _body);
        }

        TextStream = new TextEnumerable(this);
    }

    /// <summary>The text of the reply's text blocks, yielded piece by piece as each <c>text_delta</c> arrives (thinking is not included).</summary>
    /// <remarks>Enumerating it consumes the stream; afterwards <see cref="GetFinalMessageAsync"/> returns the whole message without further reads.</remarks>
    public IAsyncEnumerable<string> TextStream { get; }

    /// <summary>The message as accumulated so far: the blocks received (the last one possibly partial), the stop reason and usage once known.</summary>
    /// <remarks>Built on demand and cached until the next event, so reading it often costs nothing extra between events.</remarks>
    public Message CurrentMessage => _accumulator.Snapshot();

    /// <summary>The <c>request-id</c> response header, to quote to Anthropic support.</summary>
    public string? RequestId { get; }

    /// <summary>The HTTP status of the response (a success status; errors are thrown before a stream is returned).</summary>
    public HttpStatusCode StatusCode => _response.StatusCode;

    /// <summary>The response headers, including <c>request-id</c> and the <c>anthropic-ratelimit-*</c> headers.</summary>
    public HttpResponseHeaders ResponseHeaders => _response.Headers;

    /// <summary>Returns the typed events as they arrive.</summary>
    /// <param name="cancellationToken">Cancels the enumeration; the stream is then released.</param>
    /// <returns>The enumerator.</returns>
    /// <exception cref="InvalidOperationException">The stream was already enumerated.</exception>
    public IAsyncEnumerator<StreamEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        ClaimEnumeration();
        return EnumerateEventsAsync(cancellationToken);
    }

    /// <summary>Reads the rest of the stream, if any, and returns the whole message with its usage.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The final message.</returns>
    /// <exception cref="ClaudeApiException">The API sent an <c>error</c> event.</exception>
    /// <exception cref="ClaudeStreamException">The stream failed (malformed event, ended early, connection lost, stalled).</exception>
    /// <exception cref="InvalidOperationException">The stream was disposed, or abandoned by breaking out of an enumeration, before it completed.</exception>
    /// <exception cref="OperationCanceledException">The reading was canceled.</exception>
    public async Task<Message> GetFinalMessageAsync(CancellationToken cancellationToken = default)
    {
        using CancellationTokenRegistration registration = RegisterCaller(cancellationToken);
        while (await ReadNextAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return _accumulator.Snapshot();
    }

    /// <summary>Reads the rest of the stream, if any, and returns the joined text of the text blocks.</summary>
    /// <param name="cancellationToken">Cancels the reading.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ClaudeApiException">The API sent an <c>error</c> event.</exception>
    /// <exception cref="ClaudeStreamException">The stream failed.</exception>
    /// <exception cref="InvalidOperationException">The stream was abandoned before it completed.</exception>
    /// <exception cref="OperationCanceledException">The reading was canceled.</exception>
    public async Task<string> GetFinalTextAsync(CancellationToken cancellationToken = default) =>
        (await GetFinalMessageAsync(cancellationToken).ConfigureAwait(false)).GetText();

    /// <summary>Releases the HTTP response at once; a reply still streaming is abandoned and the connection closed.</summary>
    /// <returns>A task that completes when the response is released.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <summary>Releases the HTTP response at once; a reply still streaming is abandoned and the connection closed.</summary>
    public void Dispose()
    {
        if (_state == State.Streaming)
        {
            _state = State.Abandoned;
            _telemetry?.Abandoned(_eventNumber); // telemetry
        }

        Release();
    }

    private void Release()
    {
        _streamTokenRegistration.Dispose();
        _response.Dispose();
        _body.Dispose();
    }

    private async IAsyncEnumerator<StreamEvent> EnumerateEventsAsync(CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration registration = RegisterCaller(cancellationToken);
        try
        {
            while (await ReadNextAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ToPublicEvent(_current);
            }
        }
        finally
        {
            AbandonIfUnfinished();
        }
    }

    private async IAsyncEnumerator<string> EnumerateTextAsync(CancellationToken cancellationToken)
    {
        using CancellationTokenRegistration registration = RegisterCaller(cancellationToken);
        try
        {
            while (await ReadNextAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_current.Kind == EventKind.TextDelta && _currentApplied)
                {
                    yield return _current.Text!;
                }
            }
        }
        finally
        {
            AbandonIfUnfinished();
        }
    }

    private void ClaimEnumeration()
    {
        if (Interlocked.Exchange(ref _enumerated, 1) != 0)
        {
            throw new InvalidOperationException(
                "A MessageStream can be enumerated only once: TextStream and the events are views over one pass of the response. " +
                "Use CurrentMessage or GetFinalMessageAsync() for what has been read.");
        }
    }

    private void AbandonIfUnfinished()
    {
        // Leaving an enumeration early (break, exception in the loop body) releases the response at once.
        if (_state == State.Streaming)
        {
            _state = State.Abandoned;
            _telemetry?.Abandoned(_eventNumber); // telemetry
            Release();
        }
    }

    private CancellationTokenRegistration RegisterCaller(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static s => ((ResponseBodyStream)s!).CancelByCaller(), _body)
            : default;

    /// <summary>The pump: reads one event, applies it to the accumulator, and turns every failure into a typed exception.</summary>
    /// <remarks>Pooled builder: when a read must wait for the network, the suspended state is reused rather than allocated per event.</remarks>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadNextAsync(CancellationToken cancellationToken)
    {
        switch (_state)
        {
            case State.Completed:
                return false;
            case State.Faulted:
                throw _fault!;
            case State.Abandoned:
                throw new InvalidOperationException(
                    "The stream was released before the message completed (it was disposed, or an enumeration was left early). " +
                    "CurrentMessage holds what arrived.");
        }

        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("The MessageStream is already being read; use it from one consumer at a time.");
        }

        // Whether the failing event was already counted (it failed while being applied, not while being parsed).
        bool counted = false;
        try
        {
            // Events already buffered are returned without a read, but a canceled caller stops here.
            cancellationToken.ThrowIfCancellationRequested();
            if (!await _events.MoveNextAsync().ConfigureAwait(false))
            {
                throw StreamFailed(StreamFailure.EndedEarly, _eventNumber == 0
                        ? $"The response body ended before any event arrived (content-type: {_response.Content.Headers.ContentType?.ToString() ?? "none"})."
                        : $"The response body ended after event {_eventNumber} without message_stop.", _eventNumber);
            }

            _eventNumber++;
            counted = true;
            _current = _events.Current.Data;
            if (_current.Kind == EventKind.Error)
            {
                throw Fault(ErrorEvent((JsonElement)_current.Payload!));
            }

            _currentApplied = _accumulator.Apply(_current);
            _telemetry?.OnEvent(_current.Kind, _accumulator); // telemetry: every event (chunks, message_start/delta, message_stop = completed)
            if (_current.Kind == EventKind.MessageStop)
            {
                // Anthropic: message_stop is last; release the connection now rather than wait for the server to close it.
                _state = State.Completed;
                Release();
            }

            return true;
        }
        catch (ClaudeException ex) when (ReferenceEquals(ex, _fault))
        {
            throw;
        }
        catch (JsonException ex)
        {
            long number = counted ? _eventNumber : _eventNumber + 1;
            throw StreamFailed(StreamFailure.MalformedEvent, $"Event {number} ('{EventName()}') is malformed: {ex.Message}", number, ex);
        }
        catch (StreamProtocolException ex)
        {
            throw StreamFailed(StreamFailure.ProtocolViolation, $"Event {_eventNumber} breaks the protocol: {ex.Message}.", _eventNumber, ex);
        }
        catch (StreamStalledException ex)
        {
            throw StreamFailed(StreamFailure.Stalled, $"The stream stalled: no data arrived for {ex.IdleTimeout.TotalSeconds:0.###} s after event {_eventNumber}.", _eventNumber, ex);
        }
        catch (OperationCanceledException ex)
        {
            // Name the caller's token (the reads were cancelled through the stream's own source), so that
            // `catch (OperationCanceledException e) when (e.CancellationToken == token)` works as callers expect.
            CancellationToken token = cancellationToken.IsCancellationRequested ? cancellationToken
                : _streamToken.IsCancellationRequested ? _streamToken
                : ex.CancellationToken;
            throw Fault(token == ex.CancellationToken ? ex : new OperationCanceledException(ex.Message, ex, token));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ObjectDisposedException)
        {
            if (_state == State.Abandoned)
            {
                throw new InvalidOperationException("The stream was released while it was being read.", ex);
            }

            throw StreamFailed(StreamFailure.ConnectionLost, $"The connection was lost after event {_eventNumber}: {ex.Message}", _eventNumber, ex);
        }
        finally
        {
            Volatile.Write(ref _reading, 0);
        }
    }

    private string EventName() => _parsingEventType ?? "";

    private ParsedEvent ParseEvent(string eventType, ReadOnlySpan<byte> data)
    {
        // Remembered so that a malformed event can be named in the exception.
        _parsingEventType = eventType;
        return SseEventParser.Parse(eventType, data);
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

    private Exception StreamFailed(StreamFailure failure, string message, long eventNumber, Exception? inner = null) =>
        Fault(new ClaudeStreamException(failure, message, eventNumber, inner) { RequestId = RequestId, PartialMessage = PartialOrNull() });

    private Message? PartialOrNull() => _accumulator.HasStarted ? _accumulator.Snapshot() : null;

    private ClaudeApiException ErrorEvent(JsonElement data)
    {
        ErrorBody body = ErrorBody.From(data, _apiKey);
        return ErrorMapping.Create(_response.StatusCode, body, body.RequestId ?? RequestId, isStreamError: true, retryAfter: null, PartialOrNull());
    }

    private StreamEvent ToPublicEvent(in ParsedEvent e) => e.Kind switch
    {
        EventKind.TextDelta => new ContentBlockDeltaEvent(e.Index, new TextDelta(e.Text!)),
        EventKind.InputJsonDelta => new ContentBlockDeltaEvent(e.Index, new InputJsonDelta(e.Text!)),
        EventKind.ThinkingDelta => new ContentBlockDeltaEvent(e.Index, new ThinkingDelta(e.Text!)),
        EventKind.SignatureDelta => new ContentBlockDeltaEvent(e.Index, new SignatureDelta(e.Text!)),
        EventKind.OtherDelta => new ContentBlockDeltaEvent(e.Index, (ContentDelta)e.Payload!),
        EventKind.Ping => PingEvent.Instance,
        EventKind.MessageStart => new MessageStartEvent(_accumulator.StartMessage),
        EventKind.BlockStart => new ContentBlockStartEvent(e.Index, (ContentBlock)e.Payload!),
        EventKind.BlockStop => new ContentBlockStopEvent(e.Index, _accumulator.BuildBlock(e.Index)),
        EventKind.MessageDelta => new MessageDeltaEvent(_accumulator.StopReason, _accumulator.StopSequence, _accumulator.Usage),
        EventKind.MessageStop => new MessageStopEvent(_accumulator.Snapshot()),
        _ => new UnknownStreamEvent(e.Text ?? "", (JsonElement)e.Payload!),
    };

    private sealed class TextEnumerable(MessageStream owner) : IAsyncEnumerable<string>
    {
        public IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            owner.ClaimEnumeration();
            return owner.EnumerateTextAsync(cancellationToken);
        }
    }
}
