using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>The result of a client tool call, sent in the next user turn.</summary>
public sealed record ToolResultBlock : ContentBlock
{
    /// <inheritdoc/>
    public override string Type => "tool_result";

    /// <summary>The id of the <see cref="ToolUseBlock"/> this answers.</summary>
    public required string ToolUseId { get; init; }

    /// <summary>The result: text, images, documents or search results. On the wire a plain string is also accepted.</summary>
    [JsonConverter(typeof(ContentListConverter))]
    public IList<ContentBlock> Content { get; init; } = [];

    /// <summary><see langword="true"/> when the tool failed and <see cref="Content"/> describes the error.</summary>
    public bool? IsError { get; init; }

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>Creates a tool result that carries text.</summary>
    /// <param name="toolUseId">The id of the tool call answered.</param>
    /// <param name="text">The result text.</param>
    /// <param name="isError">Whether the tool failed.</param>
    /// <returns>The block.</returns>
    public static ToolResultBlock FromText(string toolUseId, string text, bool isError = false) =>
        new() { ToolUseId = toolUseId, Content = [new TextBlock(text)], IsError = isError ? true : null };
}
