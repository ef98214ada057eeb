using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Tests;

/// <summary>Hand-written SSE bodies: the events of a plain text reply, and single events to splice in.</summary>
internal static class SseScript
{
    public const string MessageStart =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n";

    public const string TextStart = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";

    public const string Stop0 = "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n";

    public const string End =
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    public static string Delta(string text, int index = 0) =>
        $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":{index},\"delta\":{{\"type\":\"text_delta\",\"text\":{JsonSerializer.Serialize(text)}}}}}\n\n";

    public static string RawDelta(string data) => $"event: content_block_delta\ndata: {data}\n\n";

    /// <summary>The events of a text reply, one string per event.</summary>
    public static List<string> TextEvents(params string[] pieces) => [MessageStart, TextStart, .. pieces.Select(p => Delta(p)), Stop0, End];

    /// <summary>A whole text reply with <paramref name="middle"/> spliced in after the block start.</summary>
    public static byte[] TextReplyWith(params string[] middle) => Encoding.UTF8.GetBytes(MessageStart + TextStart + string.Concat(middle) + Stop0 + End);
}
