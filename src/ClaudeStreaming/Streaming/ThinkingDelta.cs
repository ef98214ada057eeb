namespace ClaudeStreaming;

/// <summary><c>thinking_delta</c>: text appended to a thinking block.</summary>
/// <param name="thinking">The thinking text.</param>
public sealed class ThinkingDelta(string thinking) : ContentDelta
{
    /// <inheritdoc/>
    public override string Type => "thinking_delta";

    /// <summary>The thinking text.</summary>
    public string Thinking { get; } = thinking ?? throw new ArgumentNullException(nameof(thinking));
}
