namespace ClaudeStreaming;

/// <summary><c>message_delta</c>: top-level changes near the end of the reply, such as the stop reason, and cumulative usage.</summary>
/// <param name="stopReason">Why generation stopped.</param>
/// <param name="stopSequence">The stop sequence that matched, if any.</param>
/// <param name="usage">The message's usage so far, with this event's cumulative counts applied.</param>
public sealed class MessageDeltaEvent(StopReason? stopReason, string? stopSequence, Usage usage) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type => "message_delta";

    /// <summary>Why generation stopped.</summary>
    public StopReason? StopReason { get; } = stopReason;

    /// <summary>The stop sequence that matched, if any.</summary>
    public string? StopSequence { get; } = stopSequence;

    /// <summary>The message's usage so far: the counts in this event replace those of <c>message_start</c>, never add to them.</summary>
    public Usage Usage { get; } = usage ?? throw new ArgumentNullException(nameof(usage));
}
