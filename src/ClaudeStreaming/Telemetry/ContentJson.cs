using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// The opt-in content attributes as JSON strings, in the shapes of the GenAI conventions' schemas (messages of
/// parts; system instructions as parts; tool definitions). Written by hand with <see cref="Utf8JsonWriter"/>: no
/// reflection, and only the members the schemas name.
/// </summary>
internal static class ContentJson
{
    public static string InputMessages(IList<MessageParam> messages) => Write(messages, static (w, messages) =>
    {
        w.WriteStartArray();
        foreach (MessageParam message in messages)
        {
            WriteMessage(w, message.Role.Value, message.Content, finishReason: null);
        }

        w.WriteEndArray();
    });

    public static string OutputMessages(Message message) => Write(message, static (w, message) =>
    {
        w.WriteStartArray();
        WriteMessage(w, message.Role.Value, message.Content, message.StopReason?.Value);
        w.WriteEndArray();
    });

    public static string SystemInstructions(SystemPrompt system) => Write(system, static (w, system) =>
    {
        w.WriteStartArray();
        if (system.Text is { } text)
        {
            WriteText(w, text);
        }
        else
        {
            foreach (TextBlock block in system.Blocks!)
            {
                WriteText(w, block.Text);
            }
        }

        w.WriteEndArray();
    });

    public static string ToolDefinitions(IList<ToolDefinition> tools) => Write(tools, static (w, tools) =>
    {
        w.WriteStartArray();
        foreach (ToolDefinition tool in tools)
        {
            w.WriteStartObject();
            w.WriteString("type"u8, tool.Type ?? "function");
            w.WriteString("name"u8, tool.Name);
            if (tool.Description is { } description)
            {
                w.WriteString("description"u8, description);
            }

            if (tool.InputSchema is { } schema)
            {
                w.WritePropertyName("parameters"u8);
                schema.WriteTo(w);
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    });

    private static void WriteMessage(Utf8JsonWriter w, string role, IEnumerable<ContentBlock> content, string? finishReason)
    {
        w.WriteStartObject();
        w.WriteString("role"u8, role);
        w.WriteStartArray("parts"u8);
        foreach (ContentBlock block in content)
        {
            WritePart(w, block);
        }

        w.WriteEndArray();
        if (finishReason is not null)
        {
            w.WriteString("finish_reason"u8, finishReason);
        }

        w.WriteEndObject();
    }

    private static void WritePart(Utf8JsonWriter w, ContentBlock block)
    {
        switch (block)
        {
            case TextBlock text:
                WriteText(w, text.Text);
                break;
            case ThinkingBlock thinking:
                w.WriteStartObject();
                w.WriteString("type"u8, "reasoning");
                w.WriteString("content"u8, thinking.Thinking);
                w.WriteEndObject();
                break;
            case ToolCallBlock call:
                w.WriteStartObject();
                w.WriteString("type"u8, "tool_call");
                w.WriteString("id"u8, call.Id);
                w.WriteString("name"u8, call.Name);
                w.WritePropertyName("arguments"u8);
                call.Input.WriteTo(w);
                w.WriteEndObject();
                break;
            case ToolResultBlock result:
                w.WriteStartObject();
                w.WriteString("type"u8, "tool_call_response");
                w.WriteString("id"u8, result.ToolUseId);
                w.WriteString("response"u8, JoinText(result.Content));
                w.WriteEndObject();
                break;
            default:
                // Images, documents and blocks this version does not know: their kind, not their bytes.
                w.WriteStartObject();
                w.WriteString("type"u8, block.Type);
                w.WriteEndObject();
                break;
        }
    }

    private static void WriteText(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject();
        w.WriteString("type"u8, "text");
        w.WriteString("content"u8, text);
        w.WriteEndObject();
    }

    private static string JoinText(IEnumerable<ContentBlock> content) =>
        string.Concat(content.OfType<TextBlock>().Select(static b => b.Text));

    private static string Write<T>(T value, Action<Utf8JsonWriter, T> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
