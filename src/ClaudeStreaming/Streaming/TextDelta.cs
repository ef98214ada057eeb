namespace ClaudeStreaming;

/// <summary><c>text_delta</c>: text appended to a text block.</summary>
/// <param name="text">The text.</param>
public sealed class TextDelta(string text) : ContentDelta
{
    /// <inheritdoc/>
    public override string Type => "text_delta";

    /// <summary>The text.</summary>
    public string Text { get; } = text ?? throw new ArgumentNullException(nameof(text));
}
