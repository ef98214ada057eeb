using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>A passage that supports a piece of text: a character, page or block range of a document, or a web or search result.</summary>
/// <remarks>Which members are set depends on <see cref="Type"/>; members this release does not model are kept in <see cref="AdditionalProperties"/>.</remarks>
public sealed record Citation
{
    /// <summary>The citation kind, for example <c>char_location</c>, <c>page_location</c> or <c>web_search_result_location</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The cited text.</summary>
    public string? CitedText { get; init; }

    /// <summary>The index of the cited document in the request.</summary>
    public int? DocumentIndex { get; init; }

    /// <summary>The title of the cited document.</summary>
    public string? DocumentTitle { get; init; }

    /// <summary>The first cited character (<c>char_location</c>).</summary>
    public int? StartCharIndex { get; init; }

    /// <summary>The character after the last cited one (<c>char_location</c>).</summary>
    public int? EndCharIndex { get; init; }

    /// <summary>The first cited page (<c>page_location</c>).</summary>
    public int? StartPageNumber { get; init; }

    /// <summary>The page after the last cited one (<c>page_location</c>).</summary>
    public int? EndPageNumber { get; init; }

    /// <summary>The first cited block (<c>content_block_location</c>, <c>search_result_location</c>).</summary>
    public int? StartBlockIndex { get; init; }

    /// <summary>The block after the last cited one (<c>content_block_location</c>, <c>search_result_location</c>).</summary>
    public int? EndBlockIndex { get; init; }

    /// <summary>The URL of a cited web page (<c>web_search_result_location</c>).</summary>
    public string? Url { get; init; }

    /// <summary>The title of a cited web page or search result.</summary>
    public string? Title { get; init; }

    /// <summary>An opaque reference to the cited web search result.</summary>
    public string? EncryptedIndex { get; init; }

    /// <summary>Members this release does not model, kept so the citation round-trips intact.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }
}
