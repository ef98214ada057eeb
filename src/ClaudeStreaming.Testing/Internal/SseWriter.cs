using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>Writes SSE frames and their JSON payloads without reflection.</summary>
internal static class SseWriter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, SkipValidation = false };

    /// <summary>Builds <c>event: name\ndata: json\n\n</c> with the JSON written by <paramref name="writeJson"/>.</summary>
    public static byte[] Event(string name, Action<Utf8JsonWriter> writeJson)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        Encoding.UTF8.GetBytes("event: " + name + "\ndata: ", buffer);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writeJson(writer);
        }

        Encoding.UTF8.GetBytes("\n\n", buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Builds an SSE frame whose data is the given JSON text, as is.</summary>
    public static byte[] RawEvent(string name, string json) => Encoding.UTF8.GetBytes("event: " + name + "\ndata: " + json + "\n\n");

    /// <summary>Builds a whole JSON document (an HTTP error body).</summary>
    public static byte[] Json(Action<Utf8JsonWriter> writeJson)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writeJson(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes a string property with non-ASCII text as raw UTF-8, as the real API does; only the characters JSON
    /// requires (quote, backslash, controls) are escaped. The BCL encoders escape astral characters such as emoji
    /// even when "relaxed", which would hide encoding bugs in clients.
    /// </summary>
    public static void WriteRawString(Utf8JsonWriter writer, string propertyName, string? value)
    {
        writer.WritePropertyName(propertyName);
        if (value is null)
        {
            writer.WriteNullValue();
            return;
        }

        var builder = new StringBuilder(value.Length + 2);
        builder.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                default:
                    if (c < 0x20)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');

        // Lone surrogates become U+FFFD here, so the output is always valid UTF-8.
        writer.WriteRawValue(Encoding.UTF8.GetBytes(builder.ToString()), skipInputValidation: true);
    }
}
