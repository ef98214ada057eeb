using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>The API's error object (<c>{"type":"error","error":{"type":…,"message":…},"request_id":…}</c>), or raw text when a proxy sent something else.</summary>
internal sealed record ErrorBody(ApiErrorType Type, string Message, string? RequestId)
{
    private const int MaxRawLength = 500;

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
                return new ErrorBody(new ApiErrorType(type is "error" ? "" : type ?? ""), Redact(message ?? "(no message)", apiKey), requestId);
            }
        }

        string raw = data.ValueKind == JsonValueKind.String ? data.GetString()! : data.GetRawText();
        return new ErrorBody(default, Redact(Truncate(raw), apiKey), null);
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
            return new ErrorBody(default, Redact(Truncate(body.Trim()), apiKey), null);
        }
    }

    private static string Truncate(string text) => text.Length <= MaxRawLength ? text : string.Concat(text.AsSpan(0, MaxRawLength), "…");

    /// <summary>A proxy may echo request headers in its error page; the key must never reach an exception message.</summary>
    internal static string Redact(string text, string? secret) =>
        string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "[redacted]", StringComparison.Ordinal);
}
