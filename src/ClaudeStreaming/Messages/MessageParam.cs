using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>One conversation turn sent to the API: a role and its content blocks.</summary>
public sealed record MessageParam
{
    /// <summary>Who wrote this turn.</summary>
    public required MessageRole Role { get; init; }

    /// <summary>The turn's content. On the wire a plain string is accepted as one text block.</summary>
    [JsonConverter(typeof(ContentListConverter))]
    public IList<ContentBlock> Content { get; init; } = [];

    /// <summary>Creates a user turn that carries text.</summary>
    /// <param name="text">The user's text.</param>
    /// <returns>The turn.</returns>
    public static MessageParam User(string text) => new() { Role = MessageRole.User, Content = [new TextBlock(text)] };

    /// <summary>Creates a user turn from content blocks (text, images, documents, tool results).</summary>
    /// <param name="content">The blocks.</param>
    /// <returns>The turn.</returns>
    public static MessageParam User(params ContentBlock[] content) => new() { Role = MessageRole.User, Content = [.. content] };

    /// <summary>Creates an assistant turn that carries text (for example a prefill).</summary>
    /// <param name="text">The assistant's text.</param>
    /// <returns>The turn.</returns>
    public static MessageParam Assistant(string text) => new() { Role = MessageRole.Assistant, Content = [new TextBlock(text)] };

    /// <summary>Creates an assistant turn from content blocks.</summary>
    /// <param name="content">The blocks.</param>
    /// <returns>The turn.</returns>
    public static MessageParam Assistant(params ContentBlock[] content) => new() { Role = MessageRole.Assistant, Content = [.. content] };
}
