using System.Collections.Concurrent;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>The reply queue, request log and options shared by the server and the handler; lock-free on the streaming path.</summary>
internal sealed class ReplyBook
{
    private readonly ConcurrentQueue<Func<RecordedRequest, FakeReply>> _queue = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _requestsLock = new();
    private FakeReply _defaultReply = FakeReply.Create().Text("Hello! This is the default reply of the fake Messages API.");
    private Func<RecordedRequest, FakeReply>? _responder;

    public FakeMessagesOptions Options { get; } = new();

    public FakeReply DefaultReply
    {
        get => Volatile.Read(ref _defaultReply);
        set => Volatile.Write(ref _defaultReply, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public Func<RecordedRequest, FakeReply>? Responder
    {
        get => Volatile.Read(ref _responder);
        set => Volatile.Write(ref _responder, value);
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requestsLock)
            {
                return [.. _requests];
            }
        }
    }

    public void Enqueue(FakeReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (FakeReply reply in replies)
        {
            ArgumentNullException.ThrowIfNull(reply, nameof(replies));
        }

        foreach (FakeReply reply in replies)
        {
            _queue.Enqueue(_ => reply);
        }
    }

    public void Enqueue(Func<RecordedRequest, FakeReply> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _queue.Enqueue(reply);
    }

    public void Record(RecordedRequest request)
    {
        lock (_requestsLock)
        {
            _requests.Add(request);
        }
    }

    /// <summary>
    /// Chooses the reply: an error for paths and methods the fake does not serve or a request the API would reject
    /// (neither consumes a queued reply), else the next queued reply, the responder's, or the default.
    /// </summary>
    /// <exception cref="InvalidOperationException">A reply function returned null or threw.</exception>
    public FakeReply Next(RecordedRequest request)
    {
        string method = request.Method;
        string path = request.Path;
        int query = path.IndexOf('?', StringComparison.Ordinal);
        string pathOnly = query < 0 ? path : path[..query];

        // Any prefix is tolerated, so a base address such as http://host/proxy/ still works.
        if (!pathOnly.TrimEnd('/').EndsWith("/v1/messages", StringComparison.Ordinal))
        {
            return FakeReply.HttpError(404, "not_found_error", $"The fake Messages API does not serve {method} {pathOnly}.");
        }

        if (!string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return FakeReply.HttpError(405, "invalid_request_error", $"Method {method} is not allowed on {pathOnly}; use POST.");
        }

        if (RequestChecks.Check(request, Options) is { } rejected)
        {
            return rejected;
        }

        Func<RecordedRequest, FakeReply>? choose = _queue.TryDequeue(out Func<RecordedRequest, FakeReply>? queued) ? queued : Responder;
        if (choose is null)
        {
            return DefaultReply;
        }

        return choose(request) ?? throw new InvalidOperationException($"A reply function returned null for {request}.");
    }
}
