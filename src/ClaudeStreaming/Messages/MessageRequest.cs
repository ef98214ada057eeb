using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>A request to the Messages API: the model, the conversation and the generation settings.</summary>
/// <remarks>
/// The library always sends <c>"stream": true</c>; the reply is read as it arrives. A record so that
/// <c>request with { Messages = history }</c> makes the next request; equality compares lists by reference.
/// </remarks>
public sealed record MessageRequest
{
    /// <summary>The model, for example <c>claude-sonnet-4-6</c>.</summary>
    public required string Model { get; init; }

    /// <summary>The most tokens to generate; the model may stop earlier.</summary>
    public required int MaxTokens { get; init; }

    /// <summary>The conversation so far, alternating user and assistant turns; a final assistant turn is continued (prefill).</summary>
    public IList<MessageParam> Messages { get; init; } = [];

    /// <summary>The system prompt; a string converts implicitly.</summary>
    public SystemPrompt? System { get; init; }

    /// <summary>Randomness from 0.0 to 1.0 (the API's default is 1.0).</summary>
    public double? Temperature { get; init; }

    /// <summary>Nucleus sampling; for advanced use.</summary>
    public double? TopP { get; init; }

    /// <summary>Sample only from the top K tokens; for advanced use.</summary>
    public int? TopK { get; init; }

    /// <summary>Strings that end generation when produced.</summary>
    public IList<string>? StopSequences { get; init; }

    /// <summary>The tools Claude may call.</summary>
    public IList<ToolDefinition>? Tools { get; init; }

    /// <summary>How Claude may use the tools.</summary>
    public ToolChoice? ToolChoice { get; init; }

    /// <summary>Extended thinking settings.</summary>
    public ThinkingConfig? Thinking { get; init; }

    /// <summary>Metadata about the request.</summary>
    public RequestMetadata? Metadata { get; init; }

    /// <summary><c>auto</c> or <c>standard_only</c>: whether priority capacity may be used.</summary>
    public string? ServiceTier { get; init; }

    /// <summary>Body members this release does not know, sent as they are (for example <c>output_config</c> or <c>container</c>).</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }

    // Anthropic: "stream": true selects the SSE response. Every call of this library streams, including CreateAsync.
#pragma warning disable CA1822 // an instance member, so that the serializer writes it
    [JsonInclude]
    [JsonPropertyName("stream")]
    [JsonPropertyOrder(100)]
    internal bool Stream => true;
#pragma warning restore CA1822
}
