using System.Text.Json.Serialization;

namespace ClaudeStreaming.Testing.Compat.Tests;

/// <summary>What a client made of one exchange with the fake, in the same shape for every client.</summary>
public sealed class Outcome
{
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("model")] public string? Model { get; set; }
    [JsonPropertyName("text")] public string? Text { get; set; }
    [JsonPropertyName("streamedText")] public string? StreamedText { get; set; }
    [JsonPropertyName("toolName")] public string? ToolName { get; set; }
    [JsonPropertyName("toolInput")] public string? ToolInput { get; set; }
    [JsonPropertyName("thinking")] public string? Thinking { get; set; }
    [JsonPropertyName("signature")] public string? Signature { get; set; }
    [JsonPropertyName("blockTypes")] public List<string> BlockTypes { get; set; } = [];
    [JsonPropertyName("citations")] public int Citations { get; set; }
    [JsonPropertyName("stopReason")] public string? StopReason { get; set; }
    [JsonPropertyName("stopSequence")] public string? StopSequence { get; set; }
    [JsonPropertyName("inputTokens")] public long InputTokens { get; set; }
    [JsonPropertyName("outputTokens")] public long OutputTokens { get; set; }
    [JsonPropertyName("cacheCreationInputTokens")] public long? CacheCreationInputTokens { get; set; }
    [JsonPropertyName("cacheReadInputTokens")] public long? CacheReadInputTokens { get; set; }
    [JsonPropertyName("name")] public string? ErrorName { get; set; }
    [JsonPropertyName("status")] public int? Status { get; set; }
    [JsonPropertyName("requestId")] public string? RequestId { get; set; }
    [JsonPropertyName("errorType")] public string? ErrorType { get; set; }
    [JsonPropertyName("message")] public string? Message { get; set; }
    [JsonPropertyName("elapsedMs")] public long ElapsedMs { get; set; }

    public override string ToString() => System.Text.Json.JsonSerializer.Serialize(this);
}
