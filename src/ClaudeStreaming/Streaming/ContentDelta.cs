namespace ClaudeStreaming;

/// <summary>A piece of a content block carried by a <see cref="ContentBlockDeltaEvent"/>. <see cref="Type"/> is the wire name.</summary>
public abstract class ContentDelta
{
    private protected ContentDelta()
    {
    }

    /// <summary>The delta's wire name, for example <c>text_delta</c>.</summary>
    public abstract string Type { get; }
}
