namespace ClaudeStreaming;

/// <summary>Metadata about the request.</summary>
public sealed record RequestMetadata
{
    /// <summary>An opaque id of the end user (a UUID or hash, never personal data), used by Anthropic to detect abuse.</summary>
    public string? UserId { get; init; }
}
