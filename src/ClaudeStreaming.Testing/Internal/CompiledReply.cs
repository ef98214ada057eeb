using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>
/// One wire event of a streamed script; <see cref="IsDelta"/> marks <c>content_block_delta</c>s, which faults and
/// gates count; <see cref="IsAutoPing"/> marks the ping the fake adds after the first block start.
/// </summary>
internal readonly record struct CompiledEvent(byte[] Bytes, bool IsDelta, bool IsAutoPing = false);

/// <summary>The request-independent parts of a streamed <see cref="FakeReply"/>, built once and shared.</summary>
internal sealed class CompiledReply
{
    private const int DefaultInputTokens = 12;

    private readonly string? _messageId;
    private readonly int _inputTokens;
    private readonly int _startOutputTokens;
    private readonly int _outputTokens;
    private readonly int _cacheCreation;
    private readonly int _cacheRead;
    private readonly string _stopReason;
    private readonly string? _stopSequence;
    private readonly byte[] _contentJson;

    private CompiledReply(
        string? model,
        string? messageId,
        int inputTokens,
        int outputTokens,
        int cacheCreation,
        int cacheRead,
        string stopReason,
        string? stopSequence,
        ImmutableArray<CompiledEvent> body,
        byte[] contentJson)
    {
        Model = model;
        _messageId = messageId;
        _inputTokens = inputTokens;
        _outputTokens = outputTokens;

        // Anthropic: message_start reports a small initial output count; message_delta the cumulative total.
        _startOutputTokens = Math.Min(outputTokens, 1);
        _cacheCreation = cacheCreation;
        _cacheRead = cacheRead;
        _stopReason = stopReason;
        _stopSequence = stopSequence;
        Body = body;
        _contentJson = contentJson;
        MessageDelta = BuildMessageDelta();
    }

    /// <summary>The script's own model; <see langword="null"/> to name the requested one.</summary>
    public string? Model { get; }

    /// <summary>The block and ping events between <c>message_start</c> and <c>message_delta</c>.</summary>
    public ImmutableArray<CompiledEvent> Body { get; }

    public byte[] MessageDelta { get; }

    public static byte[] MessageStop { get; } = SseWriter.RawEvent("message_stop", """{"type":"message_stop"}""");

    // Anthropic sends the ping payload with a space: {"type": "ping"}.
    public static byte[] PingEvent { get; } = SseWriter.RawEvent("ping", """{"type": "ping"}""");

    /// <summary>The <c>message_start</c> event, with a fresh <c>msg_…</c> id unless the script fixed one.</summary>
    public byte[] MessageStart(string model) => SseWriter.Event("message_start", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        WriteMessage(w, model, content: false);
        w.WriteEndObject();
    });

    /// <summary>The whole reply as the one JSON message of a non-streaming request: same id, content, usage and stop reason.</summary>
    public byte[] WholeMessage(string model) => SseWriter.Json(w => WriteMessage(w, model, content: true, property: false));

    public static CompiledReply Compile(
        string? model,
        string? messageId,
        ImmutableArray<ScriptItem> items,
        int? inputTokens,
        int? outputTokens,
        int cacheCreation,
        int cacheRead,
        string? stopReason,
        string? stopSequence,
        bool leaveLastBlockOpen)
    {
        var body = ImmutableArray.CreateBuilder<CompiledEvent>();
        var content = new List<Action<Utf8JsonWriter>>();
        int index = 0;
        int deltas = 0;
        bool hasToolUse = false;
        bool autoPing = !items.Any(i => i is PingItem);
        int lastBlock = -1;
        for (int i = 0; i < items.Length; i++)
        {
            if (items[i] is not PingItem)
            {
                lastBlock = i;
            }
        }

        for (int i = 0; i < items.Length; i++)
        {
            ScriptItem item = items[i];
            if (item is PingItem)
            {
                body.Add(new(PingEvent, false));
                continue;
            }

            int blockIndex = index;
            switch (item)
            {
                case TextItem text:
                    body.Add(new(BlockStart(blockIndex, w =>
                    {
                        if (!text.Citations.IsDefault)
                        {
                            w.WriteStartArray("citations");
                            w.WriteEndArray();
                        }

                        w.WriteString("type", "text");
                        w.WriteString("text", "");
                    }), false));
                    AddPing();
                    if (!text.Citations.IsDefault)
                    {
                        foreach (string citation in text.Citations)
                        {
                            body.Add(new(RawDelta(blockIndex, w =>
                            {
                                w.WriteString("type", "citations_delta");
                                w.WritePropertyName("citation");
                                w.WriteRawValue(citation);
                            }), true));
                            deltas++;
                        }
                    }

                    foreach (string delta in text.Deltas)
                    {
                        body.Add(new(Delta(blockIndex, "text_delta", "text", delta), true));
                        deltas++;
                    }

                    content.Add(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("type", "text");
                        SseWriter.WriteRawString(w, "text", string.Concat(text.Deltas));
                        if (!text.Citations.IsDefault)
                        {
                            w.WriteStartArray("citations");
                            foreach (string citation in text.Citations)
                            {
                                w.WriteRawValue(citation);
                            }

                            w.WriteEndArray();
                        }

                        w.WriteEndObject();
                    });
                    break;
                case ThinkingItem thinking:
                    body.Add(new(BlockStart(blockIndex, w =>
                    {
                        w.WriteString("type", "thinking");
                        w.WriteString("thinking", "");
                        w.WriteString("signature", "");
                    }), false));
                    AddPing();
                    foreach (string delta in thinking.Deltas)
                    {
                        body.Add(new(Delta(blockIndex, "thinking_delta", "thinking", delta), true));
                        deltas++;
                    }

                    // Anthropic: one signature_delta, immediately before content_block_stop.
                    body.Add(new(Delta(blockIndex, "signature_delta", "signature", thinking.Signature), true));
                    deltas++;
                    content.Add(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("type", "thinking");
                        SseWriter.WriteRawString(w, "thinking", string.Concat(thinking.Deltas));
                        SseWriter.WriteRawString(w, "signature", thinking.Signature);
                        w.WriteEndObject();
                    });
                    break;
                case RedactedThinkingItem redacted:
                    body.Add(new(BlockStart(blockIndex, w =>
                    {
                        w.WriteString("type", "redacted_thinking");
                        SseWriter.WriteRawString(w, "data", redacted.Data);
                    }), false));
                    AddPing();
                    content.Add(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("type", "redacted_thinking");
                        SseWriter.WriteRawString(w, "data", redacted.Data);
                        w.WriteEndObject();
                    });
                    break;
                case ToolUseItem tool:
                    hasToolUse |= tool.Type == "tool_use";
                    body.Add(new(BlockStart(blockIndex, w => WriteToolUse(w, tool, "{}")), false));
                    AddPing();
                    foreach (string fragment in tool.Fragments)
                    {
                        body.Add(new(Delta(blockIndex, "input_json_delta", "partial_json", fragment), true));
                        deltas++;
                    }

                    content.Add(w =>
                    {
                        w.WriteStartObject();
                        WriteToolUse(w, tool, InputOrEmpty(string.Concat(tool.Fragments)));
                        w.WriteEndObject();
                    });
                    break;
                case RawBlockItem raw:
                    body.Add(new(SseWriter.Event("content_block_start", w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("type", "content_block_start");
                        w.WriteNumber("index", blockIndex);
                        w.WritePropertyName("content_block");
                        w.WriteRawValue(raw.BlockJson);
                        w.WriteEndObject();
                    }), false));
                    AddPing();
                    foreach (string delta in raw.Deltas)
                    {
                        body.Add(new(SseWriter.Event("content_block_delta", w =>
                        {
                            w.WriteStartObject();
                            w.WriteString("type", "content_block_delta");
                            w.WriteNumber("index", blockIndex);
                            w.WritePropertyName("delta");
                            w.WriteRawValue(delta);
                            w.WriteEndObject();
                        }), true));
                        deltas++;
                    }

                    content.Add(w => w.WriteRawValue(raw.BlockJson));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown script item {item.GetType().Name}.");
            }

            if (!(leaveLastBlockOpen && i == lastBlock))
            {
                body.Add(new(BlockStop(blockIndex), false));
            }

            index++;
        }

        int input = inputTokens ?? DefaultInputTokens;
        int output = outputTokens ?? Math.Max(1, deltas + 1);
        string reason = stopReason ?? (leaveLastBlockOpen ? "max_tokens" : hasToolUse ? "tool_use" : "end_turn");
        byte[] contentJson = SseWriter.Json(w =>
        {
            w.WriteStartArray();
            foreach (Action<Utf8JsonWriter> block in content)
            {
                block(w);
            }

            w.WriteEndArray();
        });

        return new CompiledReply(model, messageId, input, output, cacheCreation, cacheRead, reason, stopSequence, body.ToImmutable(), contentJson);

        void AddPing()
        {
            // Real streams: one ping right after the first content_block_start.
            if (autoPing)
            {
                body.Add(new(PingEvent, false, IsAutoPing: true));
                autoPing = false;
            }
        }
    }

    /// <summary>The <c>event: error</c> frame, shaped like an HTTP error body.</summary>
    public static byte[] ErrorEvent(string errorType, string message, string requestId) =>
        SseWriter.Event("error", w => WriteErrorBody(w, errorType, message, requestId));

    /// <summary>Writes <c>{"type":"error","error":{"type":…,"message":…},"request_id":…}</c>.</summary>
    public static void WriteErrorBody(Utf8JsonWriter w, string errorType, string message, string requestId)
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        SseWriter.WriteRawString(w, "type", errorType);
        SseWriter.WriteRawString(w, "message", message);
        w.WriteEndObject();
        SseWriter.WriteRawString(w, "request_id", requestId);
        w.WriteEndObject();
    }

    private static void WriteToolUse(Utf8JsonWriter w, ToolUseItem tool, string inputJson)
    {
        w.WriteString("type", tool.Type);
        SseWriter.WriteRawString(w, "id", tool.Id);
        SseWriter.WriteRawString(w, "name", tool.Name);
        w.WritePropertyName("input");
        w.WriteRawValue(inputJson, skipInputValidation: true);
    }

    /// <summary>The tool input as the non-streaming message carries it: the script's JSON when it is an object, else <c>{}</c> (a cut or deliberately bad input).</summary>
    private static string InputOrEmpty(string json)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? json : "{}";
        }
        catch (JsonException)
        {
            return "{}";
        }
    }

    private void WriteMessage(Utf8JsonWriter w, string model, bool content, bool property = true)
    {
        if (property)
        {
            w.WriteStartObject("message");
        }
        else
        {
            w.WriteStartObject();
        }

        SseWriter.WriteRawString(w, "id", _messageId ?? Ids.NewMessageId());
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        SseWriter.WriteRawString(w, "model", model);
        w.WritePropertyName("content");
        if (content)
        {
            w.WriteRawValue(_contentJson, skipInputValidation: true);
        }
        else
        {
            w.WriteStartArray();
            w.WriteEndArray();
        }

        if (content)
        {
            SseWriter.WriteRawString(w, "stop_reason", _stopReason);
            SseWriter.WriteRawString(w, "stop_sequence", _stopSequence);
        }
        else
        {
            w.WriteNull("stop_reason");
            w.WriteNull("stop_sequence");
        }

        // The usage fields current replies carry (recorded 2025-2026 streams): the cache breakdown and the service tier.
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", _inputTokens);
        w.WriteNumber("cache_creation_input_tokens", _cacheCreation);
        w.WriteNumber("cache_read_input_tokens", _cacheRead);
        w.WriteStartObject("cache_creation");
        w.WriteNumber("ephemeral_5m_input_tokens", _cacheCreation);
        w.WriteNumber("ephemeral_1h_input_tokens", 0);
        w.WriteEndObject();
        w.WriteNumber("output_tokens", content ? _outputTokens : _startOutputTokens);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private byte[] BuildMessageDelta() => SseWriter.Event("message_delta", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        SseWriter.WriteRawString(w, "stop_reason", _stopReason);
        SseWriter.WriteRawString(w, "stop_sequence", _stopSequence);
        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", _inputTokens);
        w.WriteNumber("cache_creation_input_tokens", _cacheCreation);
        w.WriteNumber("cache_read_input_tokens", _cacheRead);
        w.WriteNumber("output_tokens", _outputTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static byte[] BlockStart(int index, Action<Utf8JsonWriter> writeBlock) => SseWriter.Event("content_block_start", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", index);
        w.WritePropertyName("content_block");
        w.WriteStartObject();
        writeBlock(w);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static byte[] Delta(int index, string deltaType, string field, string value) => RawDelta(index, w =>
    {
        w.WriteString("type", deltaType);
        SseWriter.WriteRawString(w, field, value);
    });

    private static byte[] RawDelta(int index, Action<Utf8JsonWriter> writeDelta) => SseWriter.Event("content_block_delta", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
        writeDelta(w);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static byte[] BlockStop(int index) => SseWriter.Event("content_block_stop", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
        w.WriteEndObject();
    });
}
