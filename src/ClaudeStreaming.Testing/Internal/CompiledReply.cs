using System.Collections.Immutable;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>One wire event of a streamed script; <see cref="IsDelta"/> marks <c>content_block_delta</c>s, which faults and gates count.</summary>
internal readonly record struct CompiledEvent(byte[] Bytes, bool IsDelta);

/// <summary>The request-independent bytes of a streamed <see cref="FakeReply"/>, built once and shared.</summary>
internal sealed class CompiledReply
{
    private const int DefaultInputTokens = 12;

    private readonly string _model;
    private readonly int _inputTokens;
    private readonly int _startOutputTokens;
    private readonly int _cacheCreation;
    private readonly int _cacheRead;
    private readonly byte[]? _fixedMessageStart;

    private CompiledReply(
        string model,
        string? messageId,
        int inputTokens,
        int startOutputTokens,
        int cacheCreation,
        int cacheRead,
        ImmutableArray<CompiledEvent> body,
        int deltaCount,
        byte[] messageDelta)
    {
        _model = model;
        _inputTokens = inputTokens;
        _startOutputTokens = startOutputTokens;
        _cacheCreation = cacheCreation;
        _cacheRead = cacheRead;
        Body = body;
        DeltaCount = deltaCount;
        MessageDelta = messageDelta;
        _fixedMessageStart = messageId is null ? null : BuildMessageStart(messageId);
    }

    /// <summary>The block and ping events between <c>message_start</c> and <c>message_delta</c>.</summary>
    public ImmutableArray<CompiledEvent> Body { get; }

    /// <summary>The number of <c>content_block_delta</c> events in <see cref="Body"/>.</summary>
    public int DeltaCount { get; }

    public byte[] MessageDelta { get; }

    public static byte[] MessageStop { get; } = SseWriter.RawEvent("message_stop", """{"type":"message_stop"}""");

    // Anthropic sends the ping payload with a space: {"type": "ping"}.
    public static byte[] PingEvent { get; } = SseWriter.RawEvent("ping", """{"type": "ping"}""");

    /// <summary>The <c>message_start</c> event, with a fresh <c>msg_…</c> id unless the script fixed one.</summary>
    public byte[] MessageStart() => _fixedMessageStart ?? BuildMessageStart(Ids.NewMessageId());

    public static CompiledReply Compile(
        string model,
        string? messageId,
        ImmutableArray<ScriptItem> items,
        int? inputTokens,
        int? outputTokens,
        int cacheCreation,
        int cacheRead,
        string? stopReason,
        string? stopSequence)
    {
        var body = ImmutableArray.CreateBuilder<CompiledEvent>();
        int index = 0;
        int deltas = 0;
        bool hasToolUse = false;
        foreach (ScriptItem item in items)
        {
            switch (item)
            {
                case PingItem:
                    body.Add(new(PingEvent, false));
                    break;
                case TextItem text:
                    body.Add(new(BlockStart(index, w =>
                    {
                        w.WriteString("type", "text");
                        w.WriteString("text", "");
                    }), false));
                    foreach (string delta in text.Deltas)
                    {
                        body.Add(new(Delta(index, "text_delta", "text", delta), true));
                        deltas++;
                    }

                    body.Add(new(BlockStop(index++), false));
                    break;
                case ThinkingItem thinking:
                    body.Add(new(BlockStart(index, w =>
                    {
                        w.WriteString("type", "thinking");
                        w.WriteString("thinking", "");
                        w.WriteString("signature", "");
                    }), false));
                    foreach (string delta in thinking.Deltas)
                    {
                        body.Add(new(Delta(index, "thinking_delta", "thinking", delta), true));
                        deltas++;
                    }

                    // Anthropic: one signature_delta, immediately before content_block_stop.
                    body.Add(new(Delta(index, "signature_delta", "signature", thinking.Signature), true));
                    deltas++;
                    body.Add(new(BlockStop(index++), false));
                    break;
                case RedactedThinkingItem redacted:
                    body.Add(new(BlockStart(index, w =>
                    {
                        w.WriteString("type", "redacted_thinking");
                        SseWriter.WriteRawString(w, "data", redacted.Data);
                    }), false));
                    body.Add(new(BlockStop(index++), false));
                    break;
                case ToolUseItem tool:
                    hasToolUse = true;
                    body.Add(new(BlockStart(index, w =>
                    {
                        w.WriteString("type", "tool_use");
                        SseWriter.WriteRawString(w, "id", tool.Id);
                        SseWriter.WriteRawString(w, "name", tool.Name);
                        w.WriteStartObject("input");
                        w.WriteEndObject();
                    }), false));
                    foreach (string fragment in tool.Fragments)
                    {
                        body.Add(new(Delta(index, "input_json_delta", "partial_json", fragment), true));
                        deltas++;
                    }

                    body.Add(new(BlockStop(index++), false));
                    break;
                default:
                    throw new InvalidOperationException($"Unknown script item {item.GetType().Name}.");
            }
        }

        int input = inputTokens ?? DefaultInputTokens;
        int output = outputTokens ?? Math.Max(1, deltas + 1);

        // Anthropic: message_start reports a small initial output count; message_delta the cumulative total.
        int startOutput = Math.Min(output, 1);
        string reason = stopReason ?? (hasToolUse ? "tool_use" : "end_turn");
        byte[] messageDelta = SseWriter.Event("message_delta", w =>
        {
            w.WriteStartObject();
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            SseWriter.WriteRawString(w, "stop_reason", reason);
            SseWriter.WriteRawString(w, "stop_sequence", stopSequence);
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("input_tokens", input);
            w.WriteNumber("cache_creation_input_tokens", cacheCreation);
            w.WriteNumber("cache_read_input_tokens", cacheRead);
            w.WriteNumber("output_tokens", output);
            w.WriteEndObject();
            w.WriteEndObject();
        });

        return new CompiledReply(model, messageId, input, startOutput, cacheCreation, cacheRead, body.ToImmutable(), deltas, messageDelta);
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

    private byte[] BuildMessageStart(string messageId) => SseWriter.Event("message_start", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        SseWriter.WriteRawString(w, "id", messageId);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        SseWriter.WriteRawString(w, "model", _model);
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", _inputTokens);
        w.WriteNumber("cache_creation_input_tokens", _cacheCreation);
        w.WriteNumber("cache_read_input_tokens", _cacheRead);
        w.WriteNumber("output_tokens", _startOutputTokens);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
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

    private static byte[] Delta(int index, string deltaType, string field, string value) => SseWriter.Event("content_block_delta", w =>
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", index);
        w.WriteStartObject("delta");
        w.WriteString("type", deltaType);
        SseWriter.WriteRawString(w, field, value);
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
