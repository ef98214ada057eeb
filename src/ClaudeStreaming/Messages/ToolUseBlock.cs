namespace ClaudeStreaming;

/// <summary>Claude's call of a client tool: answer it with a <see cref="ToolResultBlock"/> that carries the same <see cref="ToolCallBlock.Id"/>.</summary>
public sealed record ToolUseBlock : ToolCallBlock
{
    /// <inheritdoc/>
    public override string Type => "tool_use";
}
