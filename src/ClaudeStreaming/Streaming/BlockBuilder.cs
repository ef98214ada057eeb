using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// Accumulates one content block. Each delta is appended in constant time; the block is materialized only when asked
/// for (at its stop event, for a snapshot, or for the final message) and cached until the next delta.
/// </summary>
internal sealed class BlockBuilder(ContentBlock start)
{
    private readonly ContentBlock _start = start;
    private StringBuilder? _text;       // text_delta or thinking_delta
    private ArrayBufferWriter<byte>? _inputJson;  // input_json_delta fragments as UTF-8, parsed once when the block is built
    private string? _signature;
    private List<Citation>? _citations;
    private ContentBlock? _built;

    public bool IsTextBlock => _start is TextBlock;

    /// <summary>Set at the block's <c>content_block_stop</c>; a later delta or stop breaks the protocol.</summary>
    public bool IsStopped { get; set; }

    /// <summary>Applies a hot delta. Returns <see langword="false"/> when its type does not fit the block (the SDKs skip those too).</summary>
    public bool Apply(EventKind kind, string value)
    {
        switch (kind)
        {
            case EventKind.TextDelta when _start is TextBlock:
                (_text ??= new StringBuilder(((TextBlock)_start).Text)).Append(value);
                break;
            case EventKind.ThinkingDelta when _start is ThinkingBlock thinking:
                (_text ??= new StringBuilder(thinking.Thinking)).Append(value);
                break;
            case EventKind.SignatureDelta when _start is ThinkingBlock:
                // Anthropic: the signature is sent once, just before the stop; it replaces, never appends.
                _signature = value;
                break;
            case EventKind.InputJsonDelta when _start is ToolCallBlock or UnknownContentBlock:
                // Kept as UTF-8, the form the JSON parser reads, so the joined input is never a UTF-16 string.
                Encoding.UTF8.GetBytes(value, _inputJson ??= new ArrayBufferWriter<byte>(256));
                break;
            default:
                return false;
        }

        _built = null;
        return true;
    }

    /// <summary>Applies an <c>input_json_delta</c> fragment that the parser kept as UTF-8.</summary>
    public bool ApplyInputJson(ReadOnlySpan<byte> utf8)
    {
        if (_start is not (ToolCallBlock or UnknownContentBlock))
        {
            return false;
        }

        (_inputJson ??= new ArrayBufferWriter<byte>(256)).Write(utf8);
        _built = null;
        return true;
    }

    public bool Apply(ContentDelta delta)
    {
        if (delta is CitationsDelta citation && _start is TextBlock)
        {
            (_citations ??= []).Add(citation.Citation);
            _built = null;
            return true;
        }

        return false;
    }

    public ContentBlock Build() => _built ??= BuildCore();

    private ContentBlock BuildCore()
    {
        switch (_start)
        {
            case TextBlock text:
                return _text is null && _citations is null ? text : text with
                {
                    Text = _text?.ToString() ?? text.Text,
                    Citations = _citations is null ? text.Citations : [.. text.Citations ?? [], .. _citations],
                };
            case ThinkingBlock thinking:
                return _text is null && _signature is null ? thinking : thinking with
                {
                    Thinking = _text?.ToString() ?? thinking.Thinking,
                    Signature = _signature ?? thinking.Signature,
                };
            case ToolCallBlock tool when _inputJson is not null:
                // Parsed when first read: the written bytes are never changed by later writes (a write past the
                // capacity moves to a new array), so the snapshot stays valid while the block goes on streaming.
                return _inputJson.WrittenSpan.Trim(" \t\r\n"u8).IsEmpty ? tool : tool.WithStreamedInput(_inputJson.WrittenMemory);

            case UnknownContentBlock unknown when _inputJson is not null:
                // A tool-like block of a type this release does not model (e.g. mcp_tool_use): put the input in place.
                return new UnknownContentBlock(ReplaceMember(unknown.Json, "input", ParseInput(out _)));
            default:
                return _start;
        }
    }

    private JsonElement ParseInput(out bool complete)
    {
        ReadOnlySpan<byte> json = _inputJson!.WrittenSpan;
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            complete = true;
            return _start is ToolCallBlock tool ? tool.Input : JsonDefaults.EmptyObject;
        }

        // Tool input is JSON inside a JSON string; a lone surrogate escape in it would throw when the input is written.
        return PartialJson.Parse(SseEventParser.Sanitize(json), out complete);
    }

    private static JsonElement ReplaceMember(JsonElement obj, string name, JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            bool written = false;
            foreach (JsonProperty property in obj.EnumerateObject())
            {
                writer.WritePropertyName(property.Name);
                if (property.NameEquals(name))
                {
                    value.WriteTo(writer);
                    written = true;
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }

            if (!written)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return JsonElement.Parse(buffer.WrittenSpan);
    }
}
