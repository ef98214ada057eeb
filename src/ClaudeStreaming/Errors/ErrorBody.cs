using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>The API's error object (<c>{"type":"error","error":{"type":…,"message":…},"request_id":…}</c>), or raw text when a proxy sent something else.</summary>
/// <remarks>Every string in it is already redacted (<see cref="Redaction"/>) and then bounded: it comes from the server, which may echo the key.</remarks>
internal sealed record ErrorBody(ApiErrorType Type, string Message, string? RequestId)
{
    public const int MaxRawLength = 500;
    public const int MaxMessageLength = 4096;
    public const int MaxTypeLength = 100;
    public const int MaxRequestIdLength = 200;

    public static ErrorBody From(JsonElement data, string? apiKey)
    {
        if (data.ValueKind == JsonValueKind.Object)
        {
            JsonElement error = data.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.Object ? e : data;
            string? type = error.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            string? message = error.TryGetProperty("message", out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            string? requestId = data.TryGetProperty("request_id", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            if (type is not null || message is not null)
            {
                string safeType = type is null or "error" ? "" : Redaction.Bounded(type, apiKey, MaxTypeLength);
                return new ErrorBody(
                    new ApiErrorType(safeType),
                    Redaction.Bounded(message ?? "(no message)", apiKey, MaxMessageLength),
                    Redaction.BoundedOrNull(requestId, apiKey, MaxRequestIdLength));
            }
        }

        string raw = data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();
        return new ErrorBody(default, Redaction.Bounded(raw, apiKey, MaxRawLength), null);
    }

    public static ErrorBody FromText(string body, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new ErrorBody(default, "(empty body)", null);
        }

        try
        {
            return From(JsonElement.Parse(body), apiKey);
        }
        catch (JsonException)
        {
            return new ErrorBody(default, Redaction.Bounded(body.Trim(), apiKey, MaxRawLength), null);
        }
    }
}
