using System.Collections.Concurrent;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>The reply queue and request log shared by the server and the handler; lock-free on the streaming path.</summary>
internal sealed class ReplyBook
{
    private readonly ConcurrentQueue<FakeReply> _queue = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly Lock _requestsLock = new();
    private FakeReply _defaultReply = FakeReply.Text("Hello! This is the default reply of the fake Messages API.");

    public FakeReply DefaultReply
    {
        get => Volatile.Read(ref _defaultReply);
        set => Volatile.Write(ref _defaultReply, value ?? throw new ArgumentNullException(nameof(value)));
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
            _queue.Enqueue(reply);
        }
    }

    public void Record(RecordedRequest request)
    {
        lock (_requestsLock)
        {
            _requests.Add(request);
        }
    }

    /// <summary>Chooses the reply: an error for paths and methods the fake does not serve, else the next queued reply.</summary>
    public FakeReply Next(string method, string path)
    {
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

        return _queue.TryDequeue(out FakeReply? reply) ? reply : DefaultReply;
    }
}
