namespace ClaudeStreaming;

/// <summary>What went wrong with a stream whose response had begun.</summary>
public enum StreamFailure
{
    /// <summary>An event's data was not valid JSON or lacked a required member.</summary>
    MalformedEvent,

    /// <summary>Events arrived in an order the protocol does not allow (for example a delta before its block started).</summary>
    ProtocolViolation,

    /// <summary>The body ended cleanly but before <c>message_stop</c>.</summary>
    EndedEarly,

    /// <summary>The connection failed while the body was being read.</summary>
    ConnectionLost,

    /// <summary>No bytes arrived for longer than <see cref="ClaudeClientOptions.StreamIdleTimeout"/>.</summary>
    Stalled,
}
