namespace ClaudeStreaming;

/// <summary>An image in a user turn, given inline as base64 or by URL.</summary>
public sealed record ImageBlock : ContentBlock
{
    /// <inheritdoc/>
    public override string Type => "image";

    /// <summary>Where the image comes from.</summary>
    public required MediaSource Source { get; init; }

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>Creates an image block from base64 data.</summary>
    /// <param name="mediaType">The media type: <c>image/jpeg</c>, <c>image/png</c>, <c>image/gif</c> or <c>image/webp</c>.</param>
    /// <param name="base64Data">The image bytes, base64-encoded.</param>
    /// <returns>The block.</returns>
    public static ImageBlock FromBase64(string mediaType, string base64Data) =>
        new() { Source = new MediaSource { Type = "base64", MediaType = mediaType, Data = base64Data } };

    /// <summary>Creates an image block that refers to an image by URL.</summary>
    /// <param name="url">The image URL.</param>
    /// <returns>The block.</returns>
    public static ImageBlock FromUrl(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return new() { Source = new MediaSource { Type = "url", Url = url.ToString() } };
    }
}
