using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>A tool Claude may call: a client tool with a JSON schema, or a server tool identified by its versioned type.</summary>
public sealed record ToolDefinition
{
    /// <summary>The tool type: <see langword="null"/> (or <c>custom</c>) for client tools; for server tools a versioned type such as <c>web_search_20250305</c>.</summary>
    public string? Type { get; init; }

    /// <summary>The tool name Claude uses to call it.</summary>
    public required string Name { get; init; }

    /// <summary>What the tool does and when to use it; strongly recommended for client tools.</summary>
    public string? Description { get; init; }

    /// <summary>The JSON Schema (an object schema) of the tool's input; required for client tools.</summary>
    public JsonElement? InputSchema { get; init; }

    /// <summary>Marks a prompt-cache breakpoint at this tool.</summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>Further members, for example a server tool's <c>max_uses</c> or <c>allowed_domains</c>.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }

    /// <summary>Creates a client tool.</summary>
    /// <param name="name">The tool name.</param>
    /// <param name="description">What the tool does.</param>
    /// <param name="inputSchemaJson">The JSON Schema of the input, as JSON text.</param>
    /// <returns>The tool.</returns>
    /// <exception cref="JsonException"><paramref name="inputSchemaJson"/> is not valid JSON.</exception>
    public static ToolDefinition Custom(string name, string description, string inputSchemaJson) =>
        new() { Name = name, Description = description, InputSchema = JsonElement.Parse(inputSchemaJson) };

    /// <summary>Creates the web search server tool.</summary>
    /// <param name="maxUses">The most searches allowed in one request, or <see langword="null"/> for no limit.</param>
    /// <returns>The tool.</returns>
    public static ToolDefinition WebSearch(int? maxUses = null) => new()
    {
        Type = "web_search_20250305",
        Name = "web_search",
        AdditionalProperties = maxUses is int n
            ? new Dictionary<string, JsonElement> { ["max_uses"] = JsonSerializer.SerializeToElement(n, JsonDefaults.Context.Int32) }
            : null,
    };
}
