namespace ClaudeStreaming;

/// <summary>One server-sent event of a Messages stream, typed. <see cref="Type"/> is the event's wire name.</summary>
/// <remarks>
/// Match on the subclass: <see cref="MessageStartEvent"/>, <see cref="ContentBlockStartEvent"/>,
/// <see cref="ContentBlockDeltaEvent"/>, <see cref="ContentBlockStopEvent"/>, <see cref="MessageDeltaEvent"/>,
/// <see cref="MessageStopEvent"/>, <see cref="PingEvent"/>, and <see cref="UnknownStreamEvent"/> for event types this
/// release does not know. An <c>error</c> event is not yielded: it is thrown as a <see cref="ClaudeApiException"/>.
/// </remarks>
public abstract class StreamEvent
{
    private protected StreamEvent()
    {
    }

    /// <summary>The event's wire name, for example <c>content_block_delta</c>.</summary>
    public abstract string Type { get; }

    /// <summary>Returns the wire name.</summary>
    /// <returns>The wire name.</returns>
    public override string ToString() => Type;
}
