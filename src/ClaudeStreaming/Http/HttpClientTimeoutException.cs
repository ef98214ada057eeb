namespace ClaudeStreaming;

/// <summary>
/// A supplied <see cref="HttpClient"/>'s own <see cref="HttpClient.Timeout"/> fired. HttpClient reports it as a
/// <see cref="TaskCanceledException"/> although no token of ours was canceled; this type lets the retry strategy treat
/// it as the timeout it is, and the sender report it as one (<see cref="ClaudeConnectionException.IsTimeout"/>).
/// </summary>
internal sealed class HttpClientTimeoutException(TimeSpan timeout, Exception innerException)
    : TimeoutException("The HttpClient's own Timeout elapsed.", innerException)
{
    public TimeSpan Timeout { get; } = timeout;
}
