using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>A tool call in a reply: <see cref="ToolUseBlock"/> for client tools, <see cref="ServerToolUseBlock"/> for tools Anthropic runs.</summary>
/// <remarks>
/// While streaming, the input arrives as JSON fragments and is parsed once, when the block stops. A block cut off by
/// <c>max_tokens</c> keeps every complete member that arrived (the unfinished one is dropped), and
/// <see cref="IsInputComplete"/> is then <see langword="false"/>.
/// </remarks>
public abstract record ToolCallBlock : ContentBlock
{
    private protected ToolCallBlock()
    {
    }

    /// <summary>The call's id.</summary>
    public required string Id { get; init; }

    /// <summary>The name of the tool called.</summary>
    public required string Name { get; init; }

    /// <summary>The tool input, a JSON object.</summary>
    public JsonElement Input { get; init; } = JsonDefaults.EmptyObject;

    /// <summary><see langword="false"/> when the streamed input was cut off and <see cref="Input"/> holds only what arrived.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsInputComplete { get; init; } = true;

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }
}
