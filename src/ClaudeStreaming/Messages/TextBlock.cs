namespace ClaudeStreaming;

/// <summary>A block of text, optionally with the citations that support it.</summary>
public sealed record TextBlock : ContentBlock
{
    /// <summary>Creates an empty text block.</summary>
    public TextBlock()
    {
    }

    /// <summary>Creates a text block.</summary>
    /// <param name="text">The text.</param>
    public TextBlock(string text) => Text = text;

    /// <inheritdoc/>
    public override string Type => "text";

    /// <summary>The text.</summary>
    public string Text { get; init; } = "";

    /// <summary>The sources this text cites, when citations are enabled; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<Citation>? Citations { get; init; }

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }
}
