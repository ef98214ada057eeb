using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>The source of an image or document: inline data (<c>base64</c>, <c>text</c>), content blocks, or a <c>url</c>.</summary>
public sealed record MediaSource
{
    /// <summary>The source kind: <c>base64</c>, <c>text</c>, <c>content</c>, <c>url</c> or <c>file</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The media type of inline data, for example <c>image/png</c> or <c>application/pdf</c>.</summary>
    public string? MediaType { get; init; }

    /// <summary>The inline data: base64 for binary sources, the text itself for <c>text</c> sources.</summary>
    public string? Data { get; init; }

    /// <summary>The URL of a <c>url</c> source.</summary>
    public string? Url { get; init; }

    /// <summary>Members this release does not model, kept so the source round-trips intact.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }
}
