using System.Net.Http.Headers;
using ClaudeStreaming.Testing.Internal;

namespace ClaudeStreaming.Testing;

/// <summary>
/// A fake Anthropic Messages API served in memory: an <see cref="HttpMessageHandler"/> that plays scripted
/// <see cref="FakeReply"/>s without sockets, streaming each body so that pacing, gates, stalls and disconnects behave
/// as they do over <see cref="FakeMessagesServer"/>.
/// </summary>
/// <remarks>
/// <para>
/// Use it as <c>new HttpClient(handler) { BaseAddress = new Uri("https://api.anthropic.com/") }</c>; any host works.
/// Replies are served in the order they were enqueued, then <see cref="DefaultReply"/>; other paths get a 404 JSON
/// error. The request's cancellation token and the disposal of the response body both end the reply and complete the
/// request's <see cref="RecordedRequest.Aborted"/>. A scripted disconnect makes the body's read throw
/// <see cref="HttpIOException"/> after the bytes already sent.
/// </para>
/// <para>Thread safe; disposing the handler ends every reply still streaming.</para>
/// </remarks>
public sealed class FakeMessagesHandler : HttpMessageHandler
{
    private readonly ReplyBook _book = new();
    private readonly CancellationTokenSource _disposing = new();
    private int _disposed;

    /// <summary>Gets or sets the reply served when the queue is empty.</summary>
    /// <value>By default a short text reply.</value>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public FakeReply DefaultReply
    {
        get => _book.DefaultReply;
        set => _book.DefaultReply = value;
    }

    /// <summary>
    /// Gets or sets a function that chooses the reply from the request when the queue is empty (used in place of
    /// <see cref="DefaultReply"/>), e.g. to answer a tool loop turn by turn.
    /// </summary>
    /// <value><see langword="null"/> by default. It may be called from several threads at once; it must not return null.</value>
    public Func<RecordedRequest, FakeReply>? Responder
    {
        get => _book.Responder;
        set => _book.Responder = value;
    }

    /// <summary>Gets the checks and realistic defaults in force; change them before sending the requests they should apply to.</summary>
    /// <value>All checks and defaults on, any API key accepted.</value>
    public FakeMessagesOptions Options => _book.Options;

    /// <summary>Gets a snapshot of the requests received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _book.Requests;

    /// <summary>Adds replies to the end of the queue; each request to <c>/v1/messages</c> takes the next one.</summary>
    /// <param name="replies">The replies, served in order.</param>
    /// <exception cref="ArgumentNullException"><paramref name="replies"/> or one of its items is null.</exception>
    public void Enqueue(params FakeReply[] replies) => _book.Enqueue(replies);

    /// <summary>
    /// Adds a reply chosen when its turn comes, from the request it answers: e.g. a tool loop's second reply that
    /// reads the first turn's <see cref="RecordedRequest.ToolResults"/>.
    /// </summary>
    /// <param name="reply">Called once, with the request, when this entry reaches the front of the queue; must not return null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="reply"/> is null.</exception>
    public void Enqueue(Func<RecordedRequest, FakeReply> reply) => _book.Enqueue(reply);

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);

        string body = request.Content is null
            ? string.Empty
            : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        string path = request.RequestUri is null ? "/" : request.RequestUri.IsAbsoluteUri ? request.RequestUri.PathAndQuery : request.RequestUri.OriginalString;
        var recorded = new RecordedRequest(request.Method.Method, path, ReadHeaders(request), body);
        _book.Record(recorded);
        FakeReply reply;
        try
        {
            reply = _book.Next(recorded);
        }
        catch (Exception ex)
        {
            recorded.Finish(ReplyOutcome.ServerClosed);
            throw new HttpRequestException("The fake Messages API failed while choosing the reply.", ex);
        }

        // Ends the reply when the caller cancels (before the headers; HttpClient stops watching after), the body is
        // disposed, or the handler is disposed.
        var lifetime = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var sink = new InMemoryReplySink(request, () => CancelQuietly(lifetime));
        FakeMessagesOptions options = _book.Options;
        _ = Task.Run(() => PlayAsync(reply, sink, recorded, options, lifetime), CancellationToken.None);

        try
        {
            return await sink.Response.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            CancelQuietly(lifetime);
            throw;
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // Not disposed: replies still finishing may link to or observe it.
            _disposing.Cancel();
        }

        base.Dispose(disposing);
    }

    private static async Task PlayAsync(FakeReply reply, InMemoryReplySink sink, RecordedRequest recorded, FakeMessagesOptions options, CancellationTokenSource lifetime)
    {
        ReplyOutcome outcome;
        try
        {
            outcome = await ReplyRunner.RunAsync(reply, sink, recorded, options, lifetime.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A gate threw: fail the exchange like a dropped connection.
            sink.Fail(new HttpRequestException("The fake Messages API failed while playing the reply.", ex));
            recorded.Finish(ReplyOutcome.ServerClosed);
            DisposeQuietly(lifetime);
            return;
        }

        if (outcome == ReplyOutcome.ClientGone)
        {
            sink.Fail(null);
        }

        recorded.Finish(outcome);
        DisposeQuietly(lifetime);
    }

    private static Dictionary<string, string> ReadHeaders(HttpRequestMessage request)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (KeyValuePair<string, HeaderStringValues> header in request.Headers.NonValidated)
        {
            headers[header.Key] = string.Join(", ", header.Value);
        }

        if (request.Content is not null)
        {
            foreach (KeyValuePair<string, HeaderStringValues> header in request.Content.Headers.NonValidated)
            {
                headers[header.Key] = string.Join(", ", header.Value);
            }
        }

        return headers;
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        lock (source)
        {
            try
            {
                source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The reply already finished.
            }
        }
    }

    private static void DisposeQuietly(CancellationTokenSource source)
    {
        lock (source)
        {
            source.Dispose();
        }
    }
}
