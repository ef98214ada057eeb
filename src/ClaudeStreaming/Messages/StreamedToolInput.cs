using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// A tool input as it streamed in: the joined <c>input_json_delta</c> fragments as UTF-8, parsed on first read.
/// </summary>
/// <remarks>
/// A caller that only relays the stream, or reads the text, never pays for parsing a large input (a 170 KB input is a
/// 170 KB <see cref="JsonDocument"/>); one that reads <see cref="ToolCallBlock.Input"/> pays once. The bytes are not
/// written after the block stopped, so reading them from any thread is safe; the parse is published once.
/// </remarks>
internal sealed class StreamedToolInput(ReadOnlyMemory<byte> utf8Json)
{
    private readonly ReadOnlyMemory<byte> _utf8Json = utf8Json;
    private Parsed? _parsed;

    public JsonElement Value => (_parsed ?? Parse()).Value;

    public bool IsComplete => (_parsed ?? Parse()).Complete;

    private Parsed Parse()
    {
        // Tool input is JSON inside a JSON string; a lone surrogate escape in it would throw when the input is written.
        JsonElement value = PartialJson.Parse(SseEventParser.Sanitize(_utf8Json.Span), out bool complete);
        Parsed parsed = new(value, complete);
        // Two threads may both parse; either result is the same value, and the first one published is kept.
        return Interlocked.CompareExchange(ref _parsed, parsed, null) ?? parsed;
    }

    private sealed record Parsed(JsonElement Value, bool Complete);
}
