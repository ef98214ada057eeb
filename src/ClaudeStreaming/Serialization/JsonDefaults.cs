using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

internal static class JsonDefaults
{
    /// <summary>
    /// The context every wire type is (de)serialized with. Non-ASCII text is written as raw UTF-8, as the API itself
    /// writes it, instead of the default <c>\uXXXX</c> escapes; the JSON is never embedded in HTML.
    /// </summary>
    public static ClaudeJsonContext Context { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static JsonElement EmptyObject { get; } = JsonElement.Parse("{}");
}
