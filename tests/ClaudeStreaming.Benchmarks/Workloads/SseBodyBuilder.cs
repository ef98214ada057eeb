using System.Globalization;
using System.Text;

namespace ClaudeStreaming.Benchmarks.Workloads;

/// <summary>Builds an Anthropic Messages SSE body (protocol.md §2) event by event, with the JSON written by hand.</summary>
internal sealed class SseBodyBuilder
{
    private readonly List<WireEvent> _events = [];
    private readonly StringBuilder _json = new();
    private readonly Random _rng;
    private readonly double _escapeNonAscii;

    public SseBodyBuilder(Random rng, double escapeNonAscii)
    {
        _rng = rng;
        _escapeNonAscii = escapeNonAscii;
    }

    public int EventCount { get; private set; }

    public int DeltaCount { get; private set; }

    /// <summary>The events one by one, for the socket server that flushes each separately.</summary>
    public IReadOnlyList<WireEvent> Events => _events;

    public void MessageStart(string id, long inputTokens)
    {
        Event(
            "message_start",
            "{\"type\":\"message_start\",\"message\":{\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\","
            + "\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,"
            + "\"usage\":{\"input_tokens\":" + inputTokens.ToString(CultureInfo.InvariantCulture)
            + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":1,\"service_tier\":\"standard\"}}}");
    }

    public void TextBlockStart(int index) =>
        Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + Int(index) + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");

    public void ThinkingBlockStart(int index) =>
        Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + Int(index) + ",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}");

    public void ToolUseBlockStart(int index, string id, string name) =>
        Event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + Int(index) + ",\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name + "\",\"input\":{}}}");

    public void Delta(int index, string deltaType, string field, string value)
    {
        _json.Clear();
        _json.Append("{\"type\":\"content_block_delta\",\"index\":").Append(Int(index))
            .Append(",\"delta\":{\"type\":\"").Append(deltaType).Append("\",\"").Append(field).Append("\":");
        JsonText.AppendString(_json, value, _rng, _escapeNonAscii);
        _json.Append("}}");
        Event("content_block_delta", _json.ToString(), deltaType);
        DeltaCount++;
    }

    public void BlockStop(int index, bool padded = false) =>
        Event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":" + Int(index) + (padded ? "           }" : "}"));

    public void Ping() => Event("ping", "{\"type\": \"ping\"}");

    public void MessageDelta(string stopReason, long inputTokens, long outputTokens) =>
        Event(
            "message_delta",
            "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"" + stopReason + "\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":"
            + inputTokens.ToString(CultureInfo.InvariantCulture) + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":"
            + outputTokens.ToString(CultureInfo.InvariantCulture) + "}}");

    public void MessageStop() => Event("message_stop", "{\"type\":\"message_stop\"}");

    public byte[] ToBody()
    {
        var sb = new StringBuilder();
        foreach (WireEvent e in _events)
        {
            sb.Append(e.Text);
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private void Event(string name, string json, string? deltaType = null)
    {
        _events.Add(new WireEvent(name, deltaType, "event: " + name + "\ndata: " + json + "\n\n"));
        EventCount++;
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>One SSE event as it goes on the wire (<paramref name="Text"/> includes the blank line that dispatches it).</summary>
public sealed record WireEvent(string Name, string? DeltaType, string Text);
