namespace ClaudeStreaming;

/// <summary>Thinking that was encrypted for safety; send it back unchanged.</summary>
public sealed record RedactedThinkingBlock : ContentBlock
{
    /// <inheritdoc/>
    public override string Type => "redacted_thinking";

    /// <summary>The opaque encrypted thinking.</summary>
    public string Data { get; init; } = "";
}
