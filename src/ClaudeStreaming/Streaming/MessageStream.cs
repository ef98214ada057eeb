using System.Net;
using System.Net.Http.Headers;

namespace ClaudeStreaming;

/// <summary>
/// A streamed reply from the Messages API: its text as it arrives (<see cref="TextStream"/>), its typed events
/// (enumerate the stream itself), a live snapshot (<see cref="CurrentMessage"/>) and the final message
/// (<see cref="GetFinalMessageAsync"/>).
/// </summary>
/// <remarks>
/// <para>
/// One pump: the HTTP body is read exactly once, as it arrives, and the text stream, the events, the snapshot and the
/// final message are all views over that single pass. One enumeration at a time: a second, concurrent enumeration
/// throws <see cref="InvalidOperationException"/>, and so does one after the stream was read to its end.
/// </para>
/// <para>
/// Breaking out of <c>await foreach</c> pauses: the stream stays where it stopped, a later enumeration of
/// <see cref="TextStream"/> or of the events goes on from there, and <see cref="GetFinalMessageAsync"/> reads the rest.
/// Disposing the stream (<c>await using</c>), or cancelling a token given to it, releases the HTTP response at once,
/// which closes the connection and stops generation (and its billing). Reading to <c>message_stop</c> releases it too,
/// and returns the connection to the pool.
/// </para>
/// <para>
/// On a failure (an <c>error</c> event, a malformed event, a dropped connection, a stall) the exception carries the
/// partial message, whose text starts with everything <see cref="TextStream"/> yielded; reading again rethrows it.
/// <see cref="CurrentMessage"/> may be read from any thread while another reads the stream; everything else is for
/// one consumer at a time.
/// </para>
/// <para>
/// Bad input never escapes untyped: an <c>index</c> that is not a non-negative integer, a known delta without its string,
/// or any other unreadable event is a <see cref="StreamFailure.MalformedEvent"/>; blocks out of order, a second start
/// for an index, a delta after its block stopped, or a block index more than 1,024 beyond the blocks so far is a
/// <see cref="StreamFailure.ProtocolViolation"/>. Invalid UTF-8 and lone surrogate escapes become U+FFFD, and events
/// with empty data are skipped. An event's size is bounded only by memory; a cut-off tool input is repaired in linear time.
/// </para>
/// </remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name users know from the Python SDK's messages.stream().")]
public sealed partial class MessageStream : IAsyncEnumerable<StreamEvent>, IAsyncDisposable, IDisposable
{
    private readonly StreamPump _pump;
    private int _enumerating;

    internal MessageStream(HttpResponseMessage response, Stream body, TimeSpan idleTimeout, TimeProvider timeProvider, string? apiKey, CancellationToken cancellationToken, CallTelemetry? telemetry = null) // telemetry: last parameter
    {
        _pump = new StreamPump(response, body, idleTimeout, timeProvider, apiKey, cancellationToken, telemetry);
        TextStream = new TextEnumerable(this);
    }

    /// <summary>The text of the reply's text blocks, yielded piece by piece as it arrives (thinking is not included).</summary>
    /// <remarks>
    /// Text that arrives in a <c>content_block_start</c> is yielded too, so the pieces joined are exactly the final
    /// message's text. Breaking out of the loop pauses; a later enumeration goes on with the next piece.
    /// </remarks>
    public IAsyncEnumerable<string> TextStream { get; }

    /// <summary>The message as accumulated so far: the blocks received (the last one possibly partial), the stop reason and usage once known.</summary>
    /// <remarks>
    /// Safe to read from any thread while another reads the stream: each value is a consistent snapshot, and its text is
    /// a prefix of the final text. Built on demand and cached until the next event, so reading it often costs nothing extra.
    /// </remarks>
    public Message CurrentMessage => _pump.Accumulator.Snapshot();

    /// <summary>The <c>request-id</c> response header, to quote to Anthropic support.</summary>
    public string? RequestId => _pump.RequestId;

    /// <summary>The HTTP status of the response (a success status; errors are thrown before a stream is returned).</summary>
    public HttpStatusCode StatusCode => _pump.Response.StatusCode;

    /// <summary>The response headers, including <c>request-id</c> and the <c>anthropic-ratelimit-*</c> headers.</summary>
    public HttpResponseHeaders ResponseHeaders => _pump.Response.Headers;

    /// <summary>Returns the typed events as they arrive, from where the last enumeration stopped.</summary>
    /// <param name="cancellationToken">Cancels the enumeration; the stream is then released.</param>
    /// <returns>The enumerator.</returns>
    /// <exception cref="InvalidOperationException">Another enumeration is in progress, or the stream was read to its end.</exception>
    public IAsyncEnumerator<StreamEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        ClaimEnumeration();
        return new EventEnumerator(this, cancellationToken);
    }

    /// <summary>Reads the rest of the stream, if any, and returns the whole message with its usage.</summary>
    /// <param name="cancellationToken">Cancels the reading; the stream is then released.</param>
    /// <returns>The final message.</returns>
    /// <exception cref="ClaudeApiException">The API sent an <c>error</c> event.</exception>
    /// <exception cref="ClaudeStreamException">The stream failed (malformed event, ended early, connection lost, stalled).</exception>
    /// <exception cref="InvalidOperationException">The stream was disposed before it completed.</exception>
    /// <exception cref="OperationCanceledException">The reading was canceled.</exception>
    public async Task<Message> GetFinalMessageAsync(CancellationToken cancellationToken = default)
    {
        using CancellationTokenRegistration registration = _pump.RegisterCaller(cancellationToken);
        while (await _pump.ReadNextAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        return _pump.Accumulator.Snapshot();
    }

    /// <summary>Reads the rest of the stream, if any, and returns the joined text of the text blocks.</summary>
    /// <param name="cancellationToken">Cancels the reading; the stream is then released.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ClaudeApiException">The API sent an <c>error</c> event.</exception>
    /// <exception cref="ClaudeStreamException">The stream failed.</exception>
    /// <exception cref="InvalidOperationException">The stream was disposed before it completed.</exception>
    /// <exception cref="OperationCanceledException">The reading was canceled.</exception>
    public async Task<string> GetFinalTextAsync(CancellationToken cancellationToken = default) =>
        (await GetFinalMessageAsync(cancellationToken).ConfigureAwait(false)).GetText();

    /// <summary>Releases the HTTP response at once; a reply still streaming is abandoned and the connection closed.</summary>
    /// <returns>A task that completes when the response is released.</returns>
    public ValueTask DisposeAsync()
    {
        _pump.Abandon();
        return default;
    }

    /// <summary>Releases the HTTP response at once; a reply still streaming is abandoned and the connection closed.</summary>
    public void Dispose() => _pump.Abandon();

    private void ClaimEnumeration()
    {
        if (_pump.IsCompleted)
        {
            throw new InvalidOperationException(
                "The MessageStream was already read to its end: TextStream and the events are views over one pass of the response. " +
                "Use CurrentMessage or GetFinalMessageAsync() for the message.");
        }

        if (Interlocked.Exchange(ref _enumerating, 1) != 0)
        {
            throw new InvalidOperationException(
                "The MessageStream is already being enumerated: TextStream and the events are views over one pass of the response, " +
                "read by one enumeration at a time. Leave (break out of) the first before starting another; it goes on from there.");
        }
    }

    private void ReleaseEnumeration() => Volatile.Write(ref _enumerating, 0);
}
