namespace ClaudeStreaming;

/// <summary><c>content_block_stop</c>: the block at <see cref="Index"/> is finished; <see cref="ContentBlock"/> is the whole block.</summary>
/// <param name="index">The block's position in the message content.</param>
/// <param name="contentBlock">The finished block, with its text joined or its tool input parsed.</param>
public sealed class ContentBlockStopEvent(int index, ContentBlock contentBlock) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type => "content_block_stop";

    /// <summary>The block's position in the message content.</summary>
    public int Index { get; } = index;

    /// <summary>The finished block, so a caller that handles events needs no accumulator of its own.</summary>
    public ContentBlock ContentBlock { get; } = contentBlock ?? throw new ArgumentNullException(nameof(contentBlock));
}
