using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>
/// A block whose type this release does not model (server-tool results, beta blocks, types added later), kept with
/// its JSON intact so it survives <see cref="Message.ToParam"/> and <see cref="Message.ToJson"/>.
/// </summary>
public sealed record UnknownContentBlock : ContentBlock
{
    /// <summary>Creates a block from its JSON object.</summary>
    /// <param name="json">The block's JSON object; its <c>type</c> member names the block type.</param>
    /// <exception cref="ArgumentException"><paramref name="json"/> is not an object with a string <c>type</c>.</exception>
    public UnknownContentBlock(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object ||
            !json.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String)
        {
            throw new ArgumentException("A content block must be a JSON object with a string \"type\".", nameof(json));
        }

        Json = json.Clone();
        Type = type.GetString()!;
    }

    /// <inheritdoc/>
    public override string Type { get; }

    /// <summary>The whole block as it arrived.</summary>
    public JsonElement Json { get; }
}
