using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>Reads a content block by its <c>type</c> member, wherever it sits in the object, and keeps unknown types verbatim.</summary>
/// <remarks>
/// STJ's built-in polymorphism needs the discriminator first (recorded streams put <c>citations</c> before <c>type</c>)
/// and cannot keep an unknown type's JSON, hence this converter.
/// </remarks>
internal sealed class ContentBlockConverter : JsonConverter<ContentBlock>
{
    public override ContentBlock Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        JsonElement element = JsonElement.ParseValue(ref reader);
        return FromElement(element);
    }

    public static ContentBlock FromElement(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object ||
            !element.TryGetProperty("type", out JsonElement typeElement) || typeElement.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("A content block must be a JSON object with a string \"type\".");
        }

        ClaudeJsonContext context = JsonDefaults.Context;
        ContentBlock? block = typeElement.GetString() switch
        {
            "text" => element.Deserialize(context.TextBlock),
            "tool_use" => element.Deserialize(context.ToolUseBlock),
            "thinking" => element.Deserialize(context.ThinkingBlock),
            "redacted_thinking" => element.Deserialize(context.RedactedThinkingBlock),
            "server_tool_use" => element.Deserialize(context.ServerToolUseBlock),
            "tool_result" => element.Deserialize(context.ToolResultBlock),
            "image" => element.Deserialize(context.ImageBlock),
            "document" => element.Deserialize(context.DocumentBlock),
            _ => new UnknownContentBlock(element),
        };
        return block switch
        {
            null => throw new JsonException("A content block cannot be null."),
            // Anthropic sends "input": {} at a tool call's start; without the member the input is still an (empty) object.
            ToolUseBlock { Input.ValueKind: JsonValueKind.Undefined } tool => tool with { Input = JsonDefaults.EmptyObject },
            ServerToolUseBlock { Input.ValueKind: JsonValueKind.Undefined } tool => tool with { Input = JsonDefaults.EmptyObject },
            _ => block,
        };
    }

    public override void Write(Utf8JsonWriter writer, ContentBlock value, JsonSerializerOptions options)
    {
        ClaudeJsonContext context = JsonDefaults.Context;
        switch (value)
        {
            case TextBlock b: JsonSerializer.Serialize(writer, b, context.TextBlock); break;
            case ToolUseBlock b: JsonSerializer.Serialize(writer, b, context.ToolUseBlock); break;
            case ThinkingBlock b: JsonSerializer.Serialize(writer, b, context.ThinkingBlock); break;
            case RedactedThinkingBlock b: JsonSerializer.Serialize(writer, b, context.RedactedThinkingBlock); break;
            case ServerToolUseBlock b: JsonSerializer.Serialize(writer, b, context.ServerToolUseBlock); break;
            case ToolResultBlock b: JsonSerializer.Serialize(writer, b, context.ToolResultBlock); break;
            case ImageBlock b: JsonSerializer.Serialize(writer, b, context.ImageBlock); break;
            case DocumentBlock b: JsonSerializer.Serialize(writer, b, context.DocumentBlock); break;
            case UnknownContentBlock b: b.Json.WriteTo(writer); break;
            default: throw new JsonException($"Unsupported content block type {value.GetType()}.");
        }
    }
}
