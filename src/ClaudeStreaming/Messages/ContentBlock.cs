using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>One block of message content: text, an image, a tool call, thinking, and so on.</summary>
/// <remarks>
/// The same types are used in requests and in replies, so a reply's blocks can be sent back unchanged
/// (see <see cref="Message.ToParam"/>). Block types this release does not model are kept as
/// <see cref="UnknownContentBlock"/> with their JSON intact.
/// </remarks>
[JsonConverter(typeof(ContentBlockConverter))]
public abstract record ContentBlock
{
    private protected ContentBlock()
    {
    }

    /// <summary>The wire name of the block type, for example <c>text</c> or <c>tool_use</c>.</summary>
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-100)]
    public abstract string Type { get; }

    /// <summary>Members of the block that this release does not model; they are kept so the block round-trips intact.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }
}
