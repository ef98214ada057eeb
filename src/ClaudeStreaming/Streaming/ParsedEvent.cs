namespace ClaudeStreaming;

/// <summary>What kind of event the parser read; the hot delta kinds carry their string and nothing else.</summary>
internal enum EventKind : byte
{
    MessageStart,
    BlockStart,
    TextDelta,
    InputJsonDelta,
    ThinkingDelta,
    SignatureDelta,
    OtherDelta,
    BlockStop,
    MessageDelta,
    MessageStop,
    Ping,
    Error,
    Unknown,
}

/// <summary>
/// One parsed SSE event. A struct, so that a text delta costs only its string: the public event objects are created
/// only for callers who enumerate events.
/// </summary>
/// <param name="Kind">The kind of event.</param>
/// <param name="Index">The content block index, or -1.</param>
/// <param name="Text">The delta's string for the hot delta kinds.</param>
/// <param name="Payload">The parsed payload for the rarer kinds.</param>
internal readonly record struct ParsedEvent(EventKind Kind, int Index, string? Text, object? Payload);
