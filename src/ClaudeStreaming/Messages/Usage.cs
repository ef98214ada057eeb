using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>Token counts for a message, as billed.</summary>
/// <remarks>
/// While streaming, <c>message_delta</c> carries cumulative totals; each value present there replaces the one from
/// <c>message_start</c>, so the final message's usage is the whole message's usage.
/// </remarks>
public sealed record Usage
{
    /// <summary>Input tokens that were neither read from nor written to the prompt cache.</summary>
    public int InputTokens { get; init; }

    /// <summary>Output tokens generated.</summary>
    public int OutputTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache.</summary>
    public int? CacheCreationInputTokens { get; init; }

    /// <summary>Input tokens read from the prompt cache.</summary>
    public int? CacheReadInputTokens { get; init; }

    /// <summary>The service tier used: <c>standard</c>, <c>priority</c> or <c>batch</c>.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>Server tool calls made, such as web searches.</summary>
    public ServerToolUsage? ServerToolUse { get; init; }

    /// <summary>Members this release does not model (cache breakdowns, output details, ...), kept intact.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }
}
