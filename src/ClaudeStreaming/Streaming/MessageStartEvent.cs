namespace ClaudeStreaming;

/// <summary><c>message_start</c>: the reply begins; carries its id, model and initial usage, with no content yet.</summary>
/// <param name="message">The message as announced.</param>
public sealed class MessageStartEvent(Message message) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type => "message_start";

    /// <summary>The message as announced: id, model, role, and initial usage.</summary>
    public Message Message { get; } = message ?? throw new ArgumentNullException(nameof(message));
}
