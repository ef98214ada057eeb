using System.Text.Json;

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

    /// <summary>An event whose data is empty: it carries nothing, and the SDKs skip it.</summary>
    Empty,
}

/// <summary>
/// One parsed SSE event. A struct, so that a text delta costs only its string: the public event objects are created
/// only for callers who enumerate events. Each kind fills the one payload member that fits it, so no use casts.
/// </summary>
/// <param name="Kind">The kind of event.</param>
/// <param name="Index">The content block index, or -1.</param>
/// <param name="Text">The delta's string for the hot delta kinds; the event's name for <see cref="EventKind.Unknown"/>.</param>
/// <param name="Json">The data for <c>message_start</c>, <c>message_delta</c>, <c>error</c> and unknown events.</param>
/// <param name="Block">The block of a <c>content_block_start</c>.</param>
/// <param name="Delta">The delta of a <c>content_block_delta</c> that is not one of the hot kinds.</param>
/// <param name="Utf8">
/// An <c>input_json_delta</c>'s fragment as unescaped UTF-8, when <paramref name="Text"/> is <see langword="null"/>: it goes
/// into the tool input as bytes, and becomes a string only for a caller who enumerates the events. It lives in the pump's
/// scratch buffer, valid until the next event is parsed.
/// </param>
internal readonly record struct ParsedEvent(EventKind Kind, int Index, string? Text, JsonElement Json = default, ContentBlock? Block = null, ContentDelta? Delta = null, ReadOnlyMemory<byte> Utf8 = default)
{
    /// <summary>The delta's string: <see cref="Text"/>, or the UTF-8 fragment decoded (only the events view asks).</summary>
    public string DeltaText => Text ?? System.Text.Encoding.UTF8.GetString(Utf8.Span);

    public static ParsedEvent Empty { get; } = new(EventKind.Empty, -1, null);

    public bool IsContentDelta => Kind is EventKind.TextDelta or EventKind.InputJsonDelta or EventKind.ThinkingDelta or EventKind.SignatureDelta or EventKind.OtherDelta;
}
