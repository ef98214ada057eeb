using System.Buffers;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// Builds the message from the events, as the SDKs' accumulators do, with constant work per delta: text is appended,
/// tool input fragments are joined and parsed once, usage from <c>message_delta</c> replaces (never adds to) the counts.
/// </summary>
internal sealed class MessageAccumulator
{
    private readonly List<BlockBuilder?> _blocks = [];
    private Message? _start;
    private Dictionary<string, JsonElement>? _usage;
    private Usage? _usageCache;
    private StopReason? _stopReason;
    private string? _stopSequence;
    private Dictionary<string, JsonElement>? _extras;
    private Message? _snapshot;

    public bool HasStarted => _start is not null;

    public bool HasStopped { get; private set; }

    public StopReason? StopReason => _stopReason;

    public string? StopSequence => _stopSequence;

    public Message StartMessage => _start ?? throw new InvalidOperationException("message_start has not arrived.");

    /// <summary>Applies one event. Returns <see langword="true"/> when it changed the content (for text deltas: when the text went to a text block).</summary>
    /// <exception cref="StreamProtocolException">The event breaks the protocol's order.</exception>
    public bool Apply(in ParsedEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.TextDelta or EventKind.InputJsonDelta or EventKind.ThinkingDelta or EventKind.SignatureDelta:
                if (GetBlock(e.Index).Apply(e.Kind, e.Text!))
                {
                    _snapshot = null;
                    return true;
                }

                return false;
            case EventKind.OtherDelta:
                if (GetBlock(e.Index).Apply((ContentDelta)e.Payload!))
                {
                    _snapshot = null;
                    return true;
                }

                return false;
            case EventKind.Ping or EventKind.Unknown or EventKind.Error:
                return false;
            case EventKind.MessageStart:
                OnMessageStart((JsonElement)e.Payload!);
                break;
            case EventKind.BlockStart:
                RequireStarted("content_block_start");
                while (_blocks.Count <= e.Index)
                {
                    _blocks.Add(null);
                }

                _blocks[e.Index] = new BlockBuilder((ContentBlock)e.Payload!);
                break;
            case EventKind.BlockStop:
                GetBlock(e.Index).Stopped = true;
                break;
            case EventKind.MessageDelta:
                RequireStarted("message_delta");
                OnMessageDelta((JsonElement)e.Payload!);
                break;
            case EventKind.MessageStop:
                RequireStarted("message_stop");
                HasStopped = true;
                break;
        }

        _snapshot = null;
        return true;
    }

    public ContentBlock BuildBlock(int index) => GetBlock(index).Build();

    public Usage Usage => _usageCache ??= BuildUsage();

    /// <summary>The message so far; cached until the next change, so asking twice costs nothing.</summary>
    public Message Snapshot()
    {
        if (_snapshot is not null)
        {
            return _snapshot;
        }

        Message start = _start ?? new Message();
        var content = new List<ContentBlock>(_blocks.Count);
        foreach (BlockBuilder? block in _blocks)
        {
            if (block is not null)
            {
                content.Add(block.Build());
            }
        }

        Dictionary<string, JsonElement>? extras = start.AdditionalProperties is null && _extras is null
            ? null
            : new Dictionary<string, JsonElement>(start.AdditionalProperties ?? new Dictionary<string, JsonElement>());
        if (_extras is not null)
        {
            foreach ((string key, JsonElement value) in _extras)
            {
                extras![key] = value;
            }
        }

        return _snapshot = start with
        {
            Content = content,
            StopReason = _stopReason,
            StopSequence = _stopSequence,
            Usage = _start is null ? start.Usage : Usage,
            AdditionalProperties = extras,
        };
    }

    private BlockBuilder GetBlock(int index)
    {
        if (index < 0 || index >= _blocks.Count || _blocks[index] is not { } block)
        {
            throw new StreamProtocolException($"a delta or stop for content block {index}, which was never started");
        }

        return block;
    }

    private void RequireStarted(string eventName)
    {
        if (_start is null)
        {
            throw new StreamProtocolException($"{eventName} before message_start");
        }
    }

    private void OnMessageStart(JsonElement root)
    {
        if (!root.TryGetProperty("message", out JsonElement message) || message.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("Expected a \"message\" object in message_start.");
        }

        // A repeated message_start (seen in the official SDK's tests) restates the header; its usage replaces the first.
        _start = message.Deserialize(JsonDefaults.Context.Message) ?? throw new JsonException("message is null");
        _usage = null;
        if (message.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
        {
            MergeUsage(usage);
        }

        _usageCache = null;
        if (_start.StopReason is { } stopReason)
        {
            _stopReason = stopReason;
        }
    }

    private void OnMessageDelta(JsonElement root)
    {
        if (root.TryGetProperty("delta", out JsonElement delta) && delta.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in delta.EnumerateObject())
            {
                JsonElement value = property.Value;
                if (property.NameEquals("stop_reason"))
                {
                    _stopReason = value.ValueKind == JsonValueKind.String ? new StopReason(value.GetString()!) : _stopReason;
                }
                else if (property.NameEquals("stop_sequence"))
                {
                    _stopSequence = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
                }
                else
                {
                    (_extras ??= [])[property.Name] = value; // stop_details, container, and members added later
                }
            }
        }

        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!property.NameEquals("type") && !property.NameEquals("delta") && !property.NameEquals("usage"))
            {
                (_extras ??= [])[property.Name] = property.Value; // e.g. context_management
            }
        }

        if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
        {
            MergeUsage(usage);
            _usageCache = null;
        }
    }

    private void MergeUsage(JsonElement usage)
    {
        _usage ??= [];
        foreach (JsonProperty property in usage.EnumerateObject())
        {
            // Anthropic: usage in message_delta is cumulative; a present, non-null value replaces the earlier one, never adds.
            if (property.Value.ValueKind != JsonValueKind.Null)
            {
                _usage[property.Name] = property.Value;
            }
        }
    }

    private Usage BuildUsage()
    {
        if (_usage is null)
        {
            return _start?.Usage ?? new Usage();
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach ((string key, JsonElement value) in _usage)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return JsonSerializer.Deserialize(buffer.WrittenSpan, JsonDefaults.Context.Usage) ?? new Usage();
    }
}

/// <summary>Raised inside the pump when events break the protocol's order; turned into a <see cref="ClaudeStreamException"/>.</summary>
internal sealed class StreamProtocolException(string what) : Exception(what);
