using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>A call of a server tool (web search, code execution, ...) that Anthropic runs; its result follows as another block.</summary>
public sealed record ServerToolUseBlock : ContentBlock
{
    /// <inheritdoc/>
    public override string Type => "server_tool_use";

    /// <summary>The call's id, referred to by the result block.</summary>
    public required string Id { get; init; }

    /// <summary>The server tool's name, for example <c>web_search</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The tool input, a JSON object (parsed from the streamed fragments when the block stops).</summary>
    public JsonElement Input { get; init; } = JsonDefaults.EmptyObject;

    /// <summary><see langword="false"/> when the streamed input was cut off and <see cref="Input"/> holds only what arrived.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsInputComplete { get; init; } = true;

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }
}
