namespace ClaudeStreaming;

/// <summary>Turns citations on or off for a document.</summary>
public sealed record CitationsConfig
{
    /// <summary>Whether Claude cites passages of the document.</summary>
    public bool Enabled { get; init; }
}
