namespace ClaudeStreaming;

/// <summary><c>ping</c>: a keep-alive with no content.</summary>
public sealed class PingEvent : StreamEvent
{
    /// <summary>The one instance; pings carry nothing.</summary>
    public static PingEvent Instance { get; } = new();

    private PingEvent()
    {
    }

    /// <inheritdoc/>
    public override string Type => "ping";
}
