using System.Buffers;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// Builds the message from the events, as the SDKs' accumulators do, with constant work per delta: text is appended,
/// tool input fragments are joined and parsed once, usage from <c>message_delta</c> replaces (never adds to) the counts.
/// </summary>
internal sealed class MessageAccumulator
{
    /// <summary>How far beyond the blocks seen so far a <c>content_block_start</c> may point (the API counts 0, 1, 2, ...).</summary>
    /// <remarks>Bounds what one event can allocate: <c>"index": 2147483647</c> is a protocol error, not a 16 GB list.</remarks>
    public const int MaxBlockIndexGap = 1024;

    private readonly List<BlockBuilder?> _blocks = [];

    // Taken per applied event and per snapshot, so that CurrentMessage may be read from any thread while the pump runs.
    private readonly Lock _gate = new();
    private Message? _start;
    private Dictionary<string, JsonElement>? _usage;
    private Usage? _usageCache;
    private StopReason? _stopReason;
    private string? _stopSequence;
    private Dictionary<string, JsonElement>? _extras;
    private Message? _snapshot;
    private int _lastTextIndex = -1; // the last text block that has text: text going to an earlier one would be reordered

    public bool HasStarted => _start is not null;

    public StopReason? StopReason => _stopReason;

    public string? StopSequence => _stopSequence;

    public Message StartMessage => _start ?? throw new InvalidOperationException("message_start has not arrived.");

    /// <summary>Applies one event. Returns <see langword="true"/> when it changed the content (for text deltas: when the text went to a text block).</summary>
    /// <exception cref="StreamProtocolException">The event breaks the protocol's order.</exception>
    public bool Apply(in ParsedEvent e)
    {
        lock (_gate)
        {
            return ApplyLocked(e);
        }
    }

    private bool ApplyLocked(in ParsedEvent e)
    {
        switch (e.Kind)
        {
            case EventKind.TextDelta or EventKind.InputJsonDelta or EventKind.ThinkingDelta or EventKind.SignatureDelta:
                BlockBuilder block = OpenBlock(e.Index);
                if (e.Kind == EventKind.TextDelta && block.IsTextBlock)
                {
                    RequireTextInOrder(e.Index);
                }

                if (e.Text is null ? block.ApplyInputJson(e.Utf8.Span) : block.Apply(e.Kind, e.Text))
                {
                    _snapshot = null;
                    return true;
                }

                return false;
            case EventKind.OtherDelta:
                if (OpenBlock(e.Index).Apply(e.Delta!))
                {
                    _snapshot = null;
                    return true;
                }

                return false;
            case EventKind.Ping or EventKind.Unknown or EventKind.Error or EventKind.Empty:
                return false;
            case EventKind.MessageStart:
                OnMessageStart(e.Json);
                break;
            case EventKind.BlockStart:
                RequireStarted("content_block_start");
                StartBlock(e.Index, e.Block!);
                break;
            case EventKind.BlockStop:
                StopBlock(e.Index);
                break;
            case EventKind.MessageDelta:
                RequireStarted("message_delta");
                OnMessageDelta(e.Json);
                break;
            case EventKind.MessageStop:
                RequireStarted("message_stop");
                break;
        }

        _snapshot = null;
        return true;
    }

    private void StartBlock(int index, ContentBlock block)
    {
        // What is yielded is what is kept: blocks start in index order, once each, so the final text keeps the order it
        // was yielded in. A second start for an index would replace text already yielded.
        if (index < _blocks.Count)
        {
            throw new StreamProtocolException(_blocks[index] is null
                ? $"content_block_start for index {index} after block {_blocks.Count - 1} started (blocks start in order)"
                : $"a second content_block_start for index {index}");
        }

        if (index - _blocks.Count >= MaxBlockIndexGap)
        {
            throw new StreamProtocolException($"content_block_start for index {index}, far beyond the {_blocks.Count} blocks so far");
        }

        while (_blocks.Count < index)
        {
            _blocks.Add(null);
        }

        _blocks.Add(new BlockBuilder(block));
        if (block is TextBlock { Text.Length: > 0 })
        {
            _lastTextIndex = index;
        }
    }

    private void RequireTextInOrder(int index)
    {
        // The final text joins the text blocks in index order; TextStream yielded in arrival order. They agree only while
        // text goes to the last text block that has text (tool input may interleave by index, text may not).
        if (index < _lastTextIndex)
        {
            throw new StreamProtocolException($"text for content block {index} after text for block {_lastTextIndex}");
        }

        _lastTextIndex = index;
    }

    private void StopBlock(int index)
    {
        OpenBlock(index).IsStopped = true;
    }

    /// <summary>A block that may take a delta or a stop: started, and not yet stopped.</summary>
    private BlockBuilder OpenBlock(int index)
    {
        if (index >= _blocks.Count || _blocks[index] is not { } block)
        {
            throw new StreamProtocolException($"a delta or stop for content block {index}, which was never started");
        }

        if (block.IsStopped)
        {
            // Applying it would change a block whose final form ContentBlockStopEvent already reported.
            throw new StreamProtocolException($"a delta or stop for content block {index} after its content_block_stop");
        }

        return block;
    }

    public ContentBlock BuildBlock(int index)
    {
        lock (_gate)
        {
            return _blocks[index]!.Build();
        }
    }

    public Usage Usage => _usageCache ??= BuildUsage();

    /// <summary>The message so far; cached until the next change, so asking twice costs nothing.</summary>
    public Message Snapshot()
    {
        lock (_gate)
        {
            return _snapshot ??= BuildSnapshot();
        }
    }

    private Message BuildSnapshot()
    {

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

        return start with
        {
            Content = content,
            StopReason = _stopReason,
            StopSequence = _stopSequence,
            Usage = _start is null ? start.Usage : Usage,
            AdditionalProperties = extras,
        };
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

        _usageCache = BuildUsage(); // built now, so that a bad count is this event's failure
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
            _usageCache = BuildUsage(); // built now, so that a bad count is this event's failure
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

