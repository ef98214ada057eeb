namespace ClaudeStreaming;

/// <summary>A document (PDF, plain text, content blocks or a URL) in a user turn.</summary>
public sealed record DocumentBlock : ContentBlock
{
    /// <inheritdoc/>
    public override string Type => "document";

    /// <summary>Where the document comes from.</summary>
    public required MediaSource Source { get; init; }

    /// <summary>An optional title Claude may use when citing the document.</summary>
    public string? Title { get; init; }

    /// <summary>Optional context about the document that is not cited from.</summary>
    public string? Context { get; init; }

    /// <summary>Turns citations on for this document.</summary>
    public CitationsConfig? Citations { get; init; }

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>Creates a plain-text document.</summary>
    /// <param name="text">The document's text.</param>
    /// <param name="title">An optional title.</param>
    /// <returns>The block.</returns>
    public static DocumentBlock FromText(string text, string? title = null) =>
        new() { Source = new MediaSource { Type = "text", MediaType = "text/plain", Data = text }, Title = title };

    /// <summary>Creates a PDF document from base64 data.</summary>
    /// <param name="base64Pdf">The PDF bytes, base64-encoded.</param>
    /// <param name="title">An optional title.</param>
    /// <returns>The block.</returns>
    public static DocumentBlock FromPdf(string base64Pdf, string? title = null) =>
        new() { Source = new MediaSource { Type = "base64", MediaType = "application/pdf", Data = base64Pdf }, Title = title };
}
