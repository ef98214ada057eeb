namespace ClaudeStreaming;

/// <summary><c>message_stop</c>: the reply is complete; <see cref="Message"/> is the whole message.</summary>
/// <param name="message">The finished message.</param>
public sealed class MessageStopEvent(Message message) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type => "message_stop";

    /// <summary>The finished message, the same as <see cref="MessageStream.GetFinalMessageAsync"/> returns.</summary>
    public Message Message { get; } = message ?? throw new ArgumentNullException(nameof(message));
}
