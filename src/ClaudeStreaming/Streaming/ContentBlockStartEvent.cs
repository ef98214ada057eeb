namespace ClaudeStreaming;

/// <summary><c>content_block_start</c>: a content block begins at <see cref="Index"/>.</summary>
/// <param name="index">The block's position in the message content.</param>
/// <param name="contentBlock">The block as it starts (empty text, tool name and id, or a whole server-tool result).</param>
public sealed class ContentBlockStartEvent(int index, ContentBlock contentBlock) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type => "content_block_start";

    /// <summary>The block's position in the message content.</summary>
    public int Index { get; } = index;

    /// <summary>The block as it starts.</summary>
    public ContentBlock ContentBlock { get; } = contentBlock ?? throw new ArgumentNullException(nameof(contentBlock));
}
