using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>Source-generated JSON metadata for every wire type: no reflection, trim- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    // Non-ASCII text stays raw UTF-8, as the API sends it; HTML-sensitive characters need no escaping in an API body.
    UseStringEnumConverter = false)]
[JsonSerializable(typeof(MessageRequest))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(MessageParam))]
[JsonSerializable(typeof(List<MessageParam>))]
[JsonSerializable(typeof(ContentBlock))]
[JsonSerializable(typeof(TextBlock))]
[JsonSerializable(typeof(List<TextBlock>))]
[JsonSerializable(typeof(ToolUseBlock))]
[JsonSerializable(typeof(ThinkingBlock))]
[JsonSerializable(typeof(RedactedThinkingBlock))]
[JsonSerializable(typeof(ServerToolUseBlock))]
[JsonSerializable(typeof(ToolResultBlock))]
[JsonSerializable(typeof(ImageBlock))]
[JsonSerializable(typeof(DocumentBlock))]
[JsonSerializable(typeof(Citation))]
[JsonSerializable(typeof(Usage))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ClaudeJsonContext : JsonSerializerContext;
