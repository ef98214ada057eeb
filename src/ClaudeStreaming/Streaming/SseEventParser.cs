using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ClaudeStreaming;

/// <summary>
/// Turns one SSE event (its name and its UTF-8 data) into a <see cref="ParsedEvent"/>, straight from the bytes.
/// </summary>
/// <remarks>
/// <para>
/// <c>content_block_delta</c> is nearly every event of a reply, so it is read with one forward <see cref="Utf8JsonReader"/>
/// pass that allocates only the delta's string. The rare events go through the source-generated serializer.
/// </para>
/// <para>
/// Strict where the protocol is: an <c>index</c> is a non-negative integer number, a known delta has its string member.
/// Lenient where the SSE standard is: invalid UTF-8 becomes U+FFFD (WHATWG decodes the stream "UTF-8 decode" with
/// replacement), and so does a lone surrogate written as a <c>\u</c> escape; events with empty data are skipped.
/// Anything else that is wrong throws (a <see cref="JsonException"/> or whatever the reader raised); the pump turns it
/// into a malformed-event <see cref="ClaudeStreamException"/>.
/// </para>
/// </remarks>
internal static class SseEventParser
{
    /// <summary>Parses one event's data.</summary>
    /// <param name="eventType">The SSE event name.</param>
    /// <param name="data">The event's data, as UTF-8.</param>
    /// <param name="utf8Scratch">Where an <c>input_json_delta</c>'s fragment is unescaped (then <see cref="ParsedEvent.Utf8"/> points into it); without one, the fragment is a string.</param>
    public static ParsedEvent Parse(string eventType, ReadOnlySpan<byte> data, System.Buffers.ArrayBufferWriter<byte>? utf8Scratch = null)
    {
        if (data.Trim(" \t\r\n"u8).IsEmpty)
        {
            // An event with empty data carries nothing; both official SDKs skip it.
            return ParsedEvent.Empty;
        }

        if (eventType == "content_block_delta")
        {
            // The hot path: invalid UTF-8 is found (and replaced) only inside the delta's string, where it costs nothing until it occurs.
            return ParseDelta(data, utf8Scratch);
        }

        return ParseRare(eventType, Sanitize(data));
    }

    /// <summary>
    /// WHATWG: the stream is decoded as UTF-8 with replacement. The rare events are checked up front, and a lone surrogate
    /// written as a <c>\u</c> escape becomes <c>\uFFFD</c> too (kept as JSON, it would throw wherever it is written later).
    /// </summary>
    internal static ReadOnlySpan<byte> Sanitize(ReadOnlySpan<byte> data)
    {
        byte[]? copy = Utf8.IsValid(data) ? null : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(data));
        ReadOnlySpan<byte> text = copy ?? data;
        if (text.IndexOf("\\u"u8) < 0)
        {
            return text;
        }

        for (int i = 0; i < text.Length - 1; i++)
        {
            if (text[i] != (byte)'\\')
            {
                int next = text[i..].IndexOf((byte)'\\');
                if (next < 0)
                {
                    break;
                }

                i += next;
                if (i + 1 >= text.Length)
                {
                    break;
                }
            }

            if (text[i + 1] != (byte)'u' || !TryEscapedUnit(text, i, out char unit))
            {
                i++; // \" \\ \n ...: skip the escaped character
                continue;
            }

            bool pairs = char.IsHighSurrogate(unit) && TryEscapedUnit(text, i + 6, out char low) && char.IsLowSurrogate(low);
            if (pairs)
            {
                i += 11;
            }
            else if (char.IsSurrogate(unit))
            {
                copy ??= text.ToArray();
                "\\uFFFD"u8.CopyTo(copy.AsSpan(i));
                text = copy;
                i += 5;
            }
            else
            {
                i += 5;
            }
        }

        return text;
    }

    private static bool TryEscapedUnit(ReadOnlySpan<byte> text, int at, out char unit)
    {
        unit = '\0';
        if (at + 6 > text.Length || text[at] != (byte)'\\' || text[at + 1] != (byte)'u')
        {
            return false;
        }

        int value = 0;
        foreach (byte b in text.Slice(at + 2, 4))
        {
            int digit = b is >= (byte)'0' and <= (byte)'9' ? b - '0' : (b | 0x20) is >= 'a' and <= 'f' ? (b | 0x20) - 'a' + 10 : -1;
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        unit = (char)value;
        return true;
    }

    private static ParsedEvent ParseRare(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        "ping" => new ParsedEvent(EventKind.Ping, -1, null),
        "content_block_start" => ParseBlockStart(data),
        "content_block_stop" => new ParsedEvent(EventKind.BlockStop, ReadIndex(data), null),
        "message_start" => new ParsedEvent(EventKind.MessageStart, -1, null, ParseObject(data)),
        "message_delta" => new ParsedEvent(EventKind.MessageDelta, -1, null, ParseObject(data)),
        "message_stop" => new ParsedEvent(EventKind.MessageStop, -1, null),
        // Anthropic: on error, parse data as JSON, falling back to the raw text if it is not JSON.
        "error" => new ParsedEvent(EventKind.Error, -1, null, ParseJsonOrText(data)),
        // WHATWG: an event without an "event:" field is named "message"; the JSON "type" then names it.
        "message" when ReadType(data) is { } type && type != "message" => Parse(type, data),
        _ => new ParsedEvent(EventKind.Unknown, -1, eventType, ParseJsonOrText(data)),
    };

    private static ParsedEvent ParseDelta(ReadOnlySpan<byte> data, System.Buffers.ArrayBufferWriter<byte>? utf8Scratch = null)
    {
        var reader = new Utf8JsonReader(data);
        Expect(ref reader, reader.Read() && reader.TokenType == JsonTokenType.StartObject, "a JSON object");

        int index = -1;
        bool sawDelta = false;
        EventKind kind = EventKind.OtherDelta;
        string? value = null;
        bool inScratch = false;

        // Where each candidate string member sits, for a delta whose "type" comes after it (the API sends it first).
        var pending = default(PendingMembers);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = ReadIndexValue(ref reader);
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
                        kind = reader.TokenType != JsonTokenType.String ? EventKind.OtherDelta
                            : reader.ValueTextEquals("text_delta"u8) ? EventKind.TextDelta
                            : reader.ValueTextEquals("input_json_delta"u8) ? EventKind.InputJsonDelta
                            : reader.ValueTextEquals("thinking_delta"u8) ? EventKind.ThinkingDelta
                            : reader.ValueTextEquals("signature_delta"u8) ? EventKind.SignatureDelta
                            : EventKind.OtherDelta;
                        if (kind != EventKind.OtherDelta && value is null && pending.TryGet(kind, out int start, out int length))
                        {
                            value = ReadStringAt(data.Slice(start, length));
                        }

                        continue;
                    }

                    // A delta is read by its type: a text_delta takes its "text", whatever other members are present.
                    EventKind member = reader.ValueTextEquals("text"u8) ? EventKind.TextDelta
                        : reader.ValueTextEquals("partial_json"u8) ? EventKind.InputJsonDelta
                        : reader.ValueTextEquals("thinking"u8) ? EventKind.ThinkingDelta
                        : reader.ValueTextEquals("signature"u8) ? EventKind.SignatureDelta
                        : EventKind.OtherDelta;
                    reader.Read();
                    if (member == EventKind.OtherDelta || reader.TokenType != JsonTokenType.String)
                    {
                        reader.Skip();
                    }
                    else if (member == kind)
                    {
                        // Tool input fragments stay UTF-8 (the form the input is kept in); a string only if that fails.
                        inScratch = kind == EventKind.InputJsonDelta && utf8Scratch is not null && TryCopyUtf8(ref reader, utf8Scratch);
                        value = inScratch ? null : ReadString(ref reader);
                    }
                    else
                    {
                        pending.Set(member, (int)reader.TokenStartIndex, (int)(reader.BytesConsumed - reader.TokenStartIndex));
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
        if (kind != EventKind.OtherDelta)
        {
            if (inScratch)
            {
                return new ParsedEvent(kind, index, null, Utf8: utf8Scratch!.WrittenMemory);
            }

            if (value is null)
            {
                // Built only here: an interpolated message passed to Expect would allocate on every delta.
                Expect(ref reader, false, $"the delta's string member (\"{MemberName(kind)}\")");
            }

            return new ParsedEvent(kind, index, value);
        }

        // citations_delta, or a delta type added after this release: keep the JSON.
        data = Sanitize(data);

        using JsonDocument document = JsonDocument.Parse(data.ToArray());
        JsonElement delta = document.RootElement.GetProperty("delta").Clone();
        ContentDelta parsed = delta.TryGetProperty("type", out JsonElement type) && type.ValueEquals("citations_delta")
            && delta.TryGetProperty("citation", out JsonElement citation)
            ? new CitationsDelta(citation.Deserialize(JsonDefaults.Context.Citation) ?? throw new JsonException("citation is null"))
            : new UnknownContentDelta(delta);
        return new ParsedEvent(EventKind.OtherDelta, index, null, Delta: parsed);
    }

    private static string MemberName(EventKind kind) => kind switch
    {
        EventKind.TextDelta => "text",
        EventKind.InputJsonDelta => "partial_json",
        EventKind.ThinkingDelta => "thinking",
        _ => "signature",
    };

    private static ParsedEvent ParseBlockStart(ReadOnlySpan<byte> data)
    {
        JsonElement root = ParseObject(data);
        int index = root.TryGetProperty("index", out JsonElement i) ? IndexOf(i) : throw new JsonException("Expected an \"index\".");
        JsonElement block = root.TryGetProperty("content_block", out JsonElement b) ? b : throw new JsonException("Expected a \"content_block\".");
        return new ParsedEvent(EventKind.BlockStart, index, null, Block: ContentBlockConverter.FromElement(block));
    }

    private static int IndexOf(JsonElement index) =>
        index.ValueKind == JsonValueKind.Number && index.TryGetInt32(out int value) && value >= 0
            ? value
            // The value's kind, not its text: the text came from the server and is not echoed (it could carry the key, cut short).
            : throw new JsonException($"Expected \"index\" to be a non-negative integer, not a JSON {index.ValueKind}.");

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
                index = ReadIndexValue(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        Expect(ref reader, index >= 0, "an \"index\"");
        return index;
    }

    /// <summary>Reads an index: a JSON number that is a non-negative 32-bit integer (not "0", 0.5, -1 or 4294967296).</summary>
    private static int ReadIndexValue(ref Utf8JsonReader reader)
    {
        Expect(ref reader, reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int index) && index >= 0,
            "\"index\" to be a non-negative integer");
        return reader.GetInt32();
    }

    /// <summary>Reads the string token the reader is on; invalid UTF-8 and lone surrogate escapes become U+FFFD instead of throwing.</summary>
    private static string ReadString(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Rare: the bytes were not valid UTF-8, or a \u escape was half a surrogate pair.
            return JsonStringDecoder.DecodeLenient(reader.ValueSpan, reader.ValueIsEscaped);
        }
    }

    /// <summary>
    /// Unescapes the string token the reader is on into <paramref name="scratch"/> as UTF-8. Returns <see langword="false"/>
    /// (and the caller reads a string instead, with its lenient decoding) when the bytes are not valid UTF-8 or an escape
    /// is half a surrogate pair.
    /// </summary>
    private static bool TryCopyUtf8(ref Utf8JsonReader reader, System.Buffers.ArrayBufferWriter<byte> scratch)
    {
        scratch.ResetWrittenCount();
        ReadOnlySpan<byte> raw = reader.ValueSpan;
        Span<byte> destination = scratch.GetSpan(raw.Length);
        int written;
        if (!reader.ValueIsEscaped)
        {
            raw.CopyTo(destination);
            written = raw.Length;
        }
        else
        {
            try
            {
                written = reader.CopyString(destination);
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        if (!Utf8.IsValid(destination[..written]))
        {
            return false;
        }

        scratch.Advance(written);
        return true;
    }

    /// <summary>Reads the one JSON string token in <paramref name="token"/> (its quotes included).</summary>
    private static string ReadStringAt(ReadOnlySpan<byte> token)
    {
        var reader = new Utf8JsonReader(token);
        reader.Read();
        return ReadString(ref reader);
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

    /// <summary>Positions of the string members of a delta seen before its <c>type</c>.</summary>
    private struct PendingMembers
    {
        private int _text, _textLength, _json, _jsonLength, _thinking, _thinkingLength, _signature, _signatureLength;

        public void Set(EventKind member, int start, int length)
        {
            // Stored as start + 1 so that the default (0) means "not seen".
            switch (member)
            {
                case EventKind.TextDelta: (_text, _textLength) = (start + 1, length); break;
                case EventKind.InputJsonDelta: (_json, _jsonLength) = (start + 1, length); break;
                case EventKind.ThinkingDelta: (_thinking, _thinkingLength) = (start + 1, length); break;
                default: (_signature, _signatureLength) = (start + 1, length); break;
            }
        }

        public readonly bool TryGet(EventKind kind, out int start, out int length)
        {
            (start, length) = kind switch
            {
                EventKind.TextDelta => (_text, _textLength),
                EventKind.InputJsonDelta => (_json, _jsonLength),
                EventKind.ThinkingDelta => (_thinking, _thinkingLength),
                _ => (_signature, _signatureLength),
            };
            start--;
            return start >= 0;
        }
    }
}
