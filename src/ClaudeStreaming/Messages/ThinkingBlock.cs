namespace ClaudeStreaming;

/// <summary>Claude's extended thinking, with the signature that lets it be sent back unchanged.</summary>
/// <remarks>Send thinking blocks back byte for byte and in their original order; the API rejects a modified block.</remarks>
public sealed record ThinkingBlock : ContentBlock
{
    /// <inheritdoc/>
    public override string Type => "thinking";

    /// <summary>The thinking text (summarized, or empty when display is omitted).</summary>
    public string Thinking { get; init; } = "";

    /// <summary>The opaque signature that verifies the thinking.</summary>
    public string Signature { get; init; } = "";
}
