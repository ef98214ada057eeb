namespace ClaudeStreaming;

/// <summary>A call of a server tool (web search, code execution, ...) that Anthropic runs; its result follows as another block.</summary>
public sealed record ServerToolUseBlock : ToolCallBlock
{
    /// <inheritdoc/>
    public override string Type => "server_tool_use";
}
