using System.Text.Json;

namespace ClaudeStreaming.AspNetCore;

/// <summary>One server-sent event's data, written as JSON without reflection.</summary>
internal readonly struct RelayEvent
{
    private readonly string? _text;
    private readonly Message? _final;
    private readonly ClaudeException? _error;

    private RelayEvent(string? text, Message? final, ClaudeException? error)
    {
        _text = text;
        _final = final;
        _error = error;
    }

    public static RelayEvent ForText(string text) => new(text, null, null);

    public static RelayEvent ForUsage(Message final) => new(null, final, null);

    public static RelayEvent ForError(ClaudeException error) => new(null, null, error);

    public static RelayEvent ForRelayError() => new(null, null, null);

    public void WriteTo(Utf8JsonWriter writer)
    {
        if (_text is not null)
        {
            // A JSON string rather than raw text: SSE data cannot carry a lone '\r' intact, JSON can.
            writer.WriteStringValue(_text);
        }
        else if (_final is not null)
        {
            WriteUsage(writer, _final);
        }
        else
        {
            WriteError(writer, _error);
        }

        writer.Flush();
    }

    private static void WriteUsage(Utf8JsonWriter writer, Message final)
    {
        Usage usage = final.Usage;
        writer.WriteStartObject();
        writer.WriteNumber("input_tokens", usage.InputTokens);
        writer.WriteNumber("output_tokens", usage.OutputTokens);
        if (usage.CacheCreationInputTokens is int created)
        {
            writer.WriteNumber("cache_creation_input_tokens", created);
        }

        if (usage.CacheReadInputTokens is int read)
        {
            writer.WriteNumber("cache_read_input_tokens", read);
        }

        if (final.StopReason is StopReason stopReason)
        {
            writer.WriteString("stop_reason", stopReason.ToString());
        }
        else
        {
            writer.WriteNull("stop_reason");
        }

        writer.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter writer, ClaudeException? error)
    {
        writer.WriteStartObject();
        switch (error)
        {
            case ClaudeApiException api:
                writer.WriteString("type", api.ErrorType.ToString());
                writer.WriteString("message", api.ApiMessage);
                writer.WriteNumber("status", (int)api.StatusCode);
                break;
            case ClaudeConnectionException connection:
                writer.WriteString("type", "connection_error");
                writer.WriteString("message", connection.Message);
                break;
            case not null:
                writer.WriteString("type", "stream_error");
                writer.WriteString("message", error.Message);
                break;
            default:
                writer.WriteString("type", "relay_error");
                writer.WriteString("message", "The reply could not be relayed.");
                break;
        }

        if (error?.RequestId is string requestId)
        {
            writer.WriteString("request_id", requestId);
        }

        writer.WriteEndObject();
    }
}
