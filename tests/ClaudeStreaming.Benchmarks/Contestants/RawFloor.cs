using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Contestants;

/// <summary>
/// The floor: the BCL <see cref="SseParser"/> over the raw bytes with one <see cref="Utf8JsonReader"/> pass per event
/// that pulls out the delta string and the usage. No models, no HttpClient, no events handed out as objects. What a
/// client library costs on top of this is what the ratios show.
/// </summary>
public static class RawFloor
{
    private enum Kind : byte
    {
        Other,
        Text,
        InputJson,
        Thinking,
        Signature,
        MessageStart,
        MessageDelta,
    }

    private readonly struct Item
    {
        public Item(Kind kind, string? value, long inputTokens, long outputTokens)
        {
            Kind = kind;
            Value = value;
            InputTokens = inputTokens;
            OutputTokens = outputTokens;
        }

        public Kind Kind { get; }

        public string? Value { get; }

        public long InputTokens { get; }

        public long OutputTokens { get; }
    }

    private static readonly SseItemParser<Item> Parser = ParseItem;

    public static async Task<StreamResult> RunAsync(Stream body, CancellationToken cancellationToken = default)
    {
        StringBuilder text = new();
        StringBuilder? json = null, thinking = null;
        string? signature = null, stopReason = null;
        long inputTokens = 0, outputTokens = 0;

        await foreach (SseItem<Item> sse in SseParser.Create(body, Parser).EnumerateAsync(cancellationToken).ConfigureAwait(false))
        {
            Item item = sse.Data;
            switch (item.Kind)
            {
                case Kind.Text:
                    text.Append(item.Value);
                    break;
                case Kind.InputJson:
                    (json ??= new StringBuilder()).Append(item.Value);
                    break;
                case Kind.Thinking:
                    (thinking ??= new StringBuilder()).Append(item.Value);
                    break;
                case Kind.Signature:
                    signature = item.Value;
                    break;
                case Kind.MessageStart:
                    inputTokens = item.InputTokens;
                    outputTokens = item.OutputTokens;
                    break;
                case Kind.MessageDelta:
                    // Anthropic: usage in message_delta is cumulative, so it replaces, never adds.
                    stopReason = item.Value;
                    if (item.InputTokens >= 0)
                    {
                        inputTokens = item.InputTokens;
                    }

                    outputTokens = item.OutputTokens;
                    break;
            }
        }

        return new StreamResult
        {
            Text = text.ToString(),
            ToolInputJson = json?.ToString(),
            ToolInputIsRaw = true,
            Thinking = thinking?.ToString(),
            Signature = signature,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            StopReason = stopReason,
        };
    }

    private static Item ParseItem(string eventType, ReadOnlySpan<byte> data) => eventType switch
    {
        "content_block_delta" => ParseDelta(data),
        "message_start" or "message_delta" => ParseMessage(eventType, data),
        _ => default, // ping, block start/stop, message_stop: nothing to extract
    };

    private static Item ParseDelta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            // delta members sit at depth 2: {"type":..,"index":..,"delta":{"type":..,"text":..}}
            if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 2)
            {
                continue;
            }

            Kind kind = reader.ValueTextEquals("text"u8) ? Kind.Text
                : reader.ValueTextEquals("partial_json"u8) ? Kind.InputJson
                : reader.ValueTextEquals("thinking"u8) ? Kind.Thinking
                : reader.ValueTextEquals("signature"u8) ? Kind.Signature
                : Kind.Other;
            reader.Read();
            if (kind != Kind.Other)
            {
                return new Item(kind, reader.GetString(), 0, 0);
            }
        }

        return default;
    }

    private static Item ParseMessage(string eventType, ReadOnlySpan<byte> data)
    {
        long input = -1, output = 0;
        string? stopReason = null;
        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.ValueTextEquals("input_tokens"u8))
            {
                reader.Read();
                input = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("output_tokens"u8))
            {
                reader.Read();
                output = reader.GetInt64();
            }
            else if (reader.ValueTextEquals("stop_reason"u8))
            {
                reader.Read();
                stopReason = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }

        return eventType == "message_start"
            ? new Item(Kind.MessageStart, null, input, output)
            : new Item(Kind.MessageDelta, stopReason, input, output);
    }
}
