using System.Text;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// Turns one SSE event (its name and its UTF-8 data) into a <see cref="ParsedEvent"/>, straight from the bytes.
/// </summary>
/// <remarks>
/// <c>content_block_delta</c> is nearly every event of a reply, so it is read with one forward <see cref="Utf8JsonReader"/>
/// pass that allocates only the delta's string. The rare events go through the source-generated serializer.
/// </remarks>
internal static class SseEventParser
{
    public static ParsedEvent Parse(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        "content_block_delta" => ParseDelta(data),
        "ping" => new ParsedEvent(EventKind.Ping, -1, null, null),
        "content_block_start" => ParseBlockStart(data),
        "content_block_stop" => new ParsedEvent(EventKind.BlockStop, ReadIndex(data), null, null),
        "message_start" => new ParsedEvent(EventKind.MessageStart, -1, null, ParseObject(data)),
        "message_delta" => new ParsedEvent(EventKind.MessageDelta, -1, null, ParseObject(data)),
        "message_stop" => new ParsedEvent(EventKind.MessageStop, -1, null, null),
        // Anthropic: on error, parse data as JSON, falling back to the raw text if it is not JSON.
        "error" => new ParsedEvent(EventKind.Error, -1, null, ParseJsonOrText(data)),
        // WHATWG: an event without an "event:" field is named "message"; the JSON "type" then names it.
        "message" when ReadType(data) is { } type && type != "message" => Parse(type, data),
        _ => new ParsedEvent(EventKind.Unknown, -1, eventType, ParseJsonOrText(data)),
    };

    private static ParsedEvent ParseDelta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        Expect(ref reader, reader.Read() && reader.TokenType == JsonTokenType.StartObject, "a JSON object");

        int index = -1;
        bool sawDelta = false;
        EventKind kind = EventKind.OtherDelta;
        EventKind valueKind = EventKind.OtherDelta;
        string? value = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                Expect(ref reader, reader.Read() && reader.TokenType == JsonTokenType.StartObject, "\"delta\" to be an object");
                sawDelta = true;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("type"u8))
                    {
                        reader.Read();
                        kind = reader.ValueTextEquals("text_delta"u8) ? EventKind.TextDelta
                            : reader.ValueTextEquals("input_json_delta"u8) ? EventKind.InputJsonDelta
                            : reader.ValueTextEquals("thinking_delta"u8) ? EventKind.ThinkingDelta
                            : reader.ValueTextEquals("signature_delta"u8) ? EventKind.SignatureDelta
                            : EventKind.OtherDelta;
                    }
                    else
                    {
                        EventKind member = reader.ValueTextEquals("text"u8) ? EventKind.TextDelta
                            : reader.ValueTextEquals("partial_json"u8) ? EventKind.InputJsonDelta
                            : reader.ValueTextEquals("thinking"u8) ? EventKind.ThinkingDelta
                            : reader.ValueTextEquals("signature"u8) ? EventKind.SignatureDelta
                            : EventKind.OtherDelta;
                        reader.Read();
                        if (member != EventKind.OtherDelta && reader.TokenType == JsonTokenType.String)
                        {
                            valueKind = member;
                            value = reader.GetString();
                        }
                        else
                        {
                            reader.Skip();
                        }
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        Expect(ref reader, index >= 0, "an \"index\"");
        Expect(ref reader, sawDelta, "a \"delta\"");
        if (kind != EventKind.OtherDelta && valueKind == kind)
        {
            return new ParsedEvent(kind, index, value, null);
        }

        // citations_delta, a delta type added after this release, or a known type without its string: keep the JSON.
        using JsonDocument document = JsonDocument.Parse(data.ToArray());
        JsonElement delta = document.RootElement.GetProperty("delta").Clone();
        ContentDelta parsed = delta.TryGetProperty("type", out JsonElement type) && type.ValueEquals("citations_delta")
            && delta.TryGetProperty("citation", out JsonElement citation)
            ? new CitationsDelta(citation.Deserialize(JsonDefaults.Context.Citation) ?? throw new JsonException("citation is null"))
            : new UnknownContentDelta(delta);
        return new ParsedEvent(EventKind.OtherDelta, index, null, parsed);
    }

    private static ParsedEvent ParseBlockStart(ReadOnlySpan<byte> data)
    {
        JsonElement root = ParseObject(data);
        int index = root.TryGetProperty("index", out JsonElement i) ? i.GetInt32() : throw new JsonException("Expected an \"index\".");
        JsonElement block = root.TryGetProperty("content_block", out JsonElement b) ? b : throw new JsonException("Expected a \"content_block\".");
        return new ParsedEvent(EventKind.BlockStart, index, null, ContentBlockConverter.FromElement(block));
    }

    private static int ReadIndex(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        Expect(ref reader, reader.Read() && reader.TokenType == JsonTokenType.StartObject, "a JSON object");
        int index = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool isIndex = reader.ValueTextEquals("index"u8);
            reader.Read();
            if (isIndex)
            {
                index = reader.GetInt32();
            }
            else
            {
                reader.Skip();
            }
        }

        Expect(ref reader, index >= 0, "an \"index\"");
        return index;
    }

    private static string? ReadType(ReadOnlySpan<byte> data)
    {
        try
        {
            JsonElement root = ParseObject(data);
            return root.TryGetProperty("type", out JsonElement type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonElement ParseObject(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        JsonElement element = JsonElement.ParseValue(ref reader);
        return element.ValueKind == JsonValueKind.Object ? element : throw new JsonException("Expected a JSON object.");
    }

    private static JsonElement ParseJsonOrText(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            return JsonElement.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(Encoding.UTF8.GetString(data), JsonDefaults.Context.String);
        }
    }

    private static void Expect(ref Utf8JsonReader reader, bool condition, string what)
    {
        if (!condition)
        {
            throw new JsonException($"Expected {what} (at byte {reader.BytesConsumed}).");
        }
    }
}
