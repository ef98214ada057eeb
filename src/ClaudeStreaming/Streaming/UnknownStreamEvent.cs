using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>An event type this release does not know, kept with its name and data so nothing is lost.</summary>
/// <param name="type">The event's wire name.</param>
/// <param name="data">The event's data: its JSON, or a JSON string holding the raw text when the data was not JSON.</param>
public sealed class UnknownStreamEvent(string type, JsonElement data) : StreamEvent
{
    /// <inheritdoc/>
    public override string Type { get; } = type ?? throw new ArgumentNullException(nameof(type));

    /// <summary>The event's data.</summary>
    public JsonElement Data { get; } = data;
}
