namespace ClaudeStreaming.Benchmarks.Workloads;

/// <summary>
/// What a contestant extracted from one streamed reply, and what a workload expects: the joined text of the text
/// blocks, the tool input JSON, the thinking text, the signature, the final usage and the stop reason.
/// </summary>
public sealed record StreamResult
{
    public required string Text { get; init; }

    /// <summary>The tool input as JSON text, or null when the reply has no tool_use block.</summary>
    public string? ToolInputJson { get; init; }

    public string? Thinking { get; init; }

    public string? Signature { get; init; }

    public long InputTokens { get; init; }

    public long OutputTokens { get; init; }

    public string? StopReason { get; init; }

    /// <summary>
    /// True when <see cref="ToolInputJson"/> is the concatenated input_json_delta fragments exactly as received
    /// (event loops); false when it was re-serialized from a parsed final message (then compared structurally).
    /// </summary>
    public bool ToolInputIsRaw { get; init; }
}
