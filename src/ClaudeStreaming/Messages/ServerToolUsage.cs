using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>How many server tool calls a message made.</summary>
public sealed record ServerToolUsage
{
    /// <summary>Web searches performed.</summary>
    public int? WebSearchRequests { get; init; }

    /// <summary>Web pages fetched.</summary>
    public int? WebFetchRequests { get; init; }

    /// <summary>Members this release does not model, kept intact.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }
}
