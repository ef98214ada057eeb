namespace ClaudeStreaming;

/// <summary><c>content_block_delta</c>: a piece of the block at <see cref="Index"/>.</summary>
/// <param name="index">The block's position in the message content.</param>
/// <param name="delta">The piece.</param>
public sealed class ContentBlockDeltaEvent(int index, ContentDelta delta) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type => "content_block_delta";

    /// <summary>The block's position in the message content.</summary>
    public int Index { get; } = index;

    /// <summary>The piece: <see cref="TextDelta"/>, <see cref="InputJsonDelta"/>, <see cref="ThinkingDelta"/>, <see cref="SignatureDelta"/>, <see cref="CitationsDelta"/> or <see cref="UnknownContentDelta"/>.</summary>
    public ContentDelta Delta { get; } = delta ?? throw new ArgumentNullException(nameof(delta));
}
