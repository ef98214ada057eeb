using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>A delta type this release does not know, kept with its JSON so nothing is lost.</summary>
/// <param name="json">The delta object; its <c>type</c> member names it.</param>
public sealed class UnknownContentDelta(JsonElement json) : ContentDelta
{
    /// <inheritdoc/>
    public override string Type { get; } =
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("type", out JsonElement t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : "";

    /// <summary>The delta object as it arrived.</summary>
    public JsonElement Json { get; } = json;
}
