namespace ClaudeStreaming;

/// <summary><c>citations_delta</c>: a citation added to a text block.</summary>
/// <param name="citation">The citation.</param>
public sealed class CitationsDelta(Citation citation) : ContentDelta
{
    /// <inheritdoc/>
    public override string Type => "citations_delta";

    /// <summary>The citation.</summary>
    public Citation Citation { get; } = citation ?? throw new ArgumentNullException(nameof(citation));
}
