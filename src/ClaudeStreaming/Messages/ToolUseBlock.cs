using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ClaudeStreaming;

/// <summary>Claude's call of a client tool: answer it with a <see cref="ToolResultBlock"/> that carries the same <see cref="ToolCallBlock.Id"/>.</summary>
public sealed record ToolUseBlock : ToolCallBlock
{
    /// <inheritdoc/>
    public override string Type => "tool_use";

    /// <summary>Deserializes <see cref="ToolCallBlock.Input"/> with source-generated metadata (trim- and AOT-safe).</summary>
    /// <typeparam name="T">The input type.</typeparam>
    /// <param name="jsonTypeInfo">The metadata of <typeparamref name="T"/>, for example <c>MyJsonContext.Default.WeatherQuery</c>.</param>
    /// <returns>The input.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The input does not match <typeparamref name="T"/>, or is <c>null</c>.</exception>
    public T GetInput<T>(JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);
        return Input.Deserialize(jsonTypeInfo) ?? throw new JsonException($"The input of tool call '{Id}' is null.");
    }
}
