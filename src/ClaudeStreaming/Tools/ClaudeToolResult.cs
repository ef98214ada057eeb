namespace ClaudeStreaming;

/// <summary>
/// What a <see cref="ClaudeTool"/> handler returns: text or content blocks, and whether the tool failed.
/// Converts implicitly from a <see cref="string"/>, a <see cref="ContentBlock"/> and an array or list of them.
/// </summary>
/// <remarks>
/// One result type for every handler, so that an async lambda returning a string or blocks binds to a single
/// <see cref="ClaudeTool.Create(string, string, string, Func{System.Text.Json.JsonElement, CancellationToken, Task{ClaudeToolResult}})"/>
/// overload and is never ambiguous.
/// </remarks>
public sealed class ClaudeToolResult
{
    private ClaudeToolResult(IReadOnlyList<ContentBlock> content, bool isError)
    {
        Content = content;
        IsError = isError;
    }

    /// <summary>The result's blocks: text, images or documents. Empty for an empty result.</summary>
    public IReadOnlyList<ContentBlock> Content { get; }

    /// <summary><see langword="true"/> when the tool failed and <see cref="Content"/> says why; sent as <c>is_error</c>.</summary>
    public bool IsError { get; }

    /// <summary>Creates a result that carries text.</summary>
    /// <param name="text">The text; <see langword="null"/> or empty gives an empty result.</param>
    /// <returns>The result.</returns>
    public static ClaudeToolResult FromString(string? text) => new(TextContent(text), isError: false);

    /// <summary>Creates a result from content blocks (text, images, documents).</summary>
    /// <param name="content">The blocks, in order.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> or one of its blocks is <see langword="null"/>.</exception>
    public static ClaudeToolResult FromContent(IEnumerable<ContentBlock> content)
    {
        ArgumentNullException.ThrowIfNull(content);
        ContentBlock[] blocks = [.. content];
        foreach (ContentBlock block in blocks)
        {
            ArgumentNullException.ThrowIfNull(block, nameof(content));
        }

        return new(blocks, isError: false);
    }

    /// <summary>Creates a result that tells Claude the tool failed, without throwing.</summary>
    /// <param name="message">What went wrong, in words Claude can act on.</param>
    /// <returns>The result, with <see cref="IsError"/> set.</returns>
    public static ClaudeToolResult Error(string message) => new(TextContent(message), isError: true);

    /// <summary>Creates a result that carries text.</summary>
    /// <param name="text">The text.</param>
    public static implicit operator ClaudeToolResult(string? text) => FromString(text);

    /// <summary>Creates a result of one block.</summary>
    /// <param name="block">The block.</param>
    /// <exception cref="ArgumentNullException"><paramref name="block"/> is <see langword="null"/>.</exception>
    public static implicit operator ClaudeToolResult(ContentBlock block) => FromContentBlock(block);

    /// <summary>Creates a result of content blocks.</summary>
    /// <param name="content">The blocks.</param>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static implicit operator ClaudeToolResult(ContentBlock[] content) => FromContent(content);

    /// <summary>Creates a result of content blocks.</summary>
    /// <param name="content">The blocks.</param>
    /// <exception cref="ArgumentNullException"><paramref name="content"/> is <see langword="null"/>.</exception>
    public static implicit operator ClaudeToolResult(List<ContentBlock> content) => FromContent(content);

    /// <summary>Creates a result of one block.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="block"/> is <see langword="null"/>.</exception>
    public static ClaudeToolResult FromContentBlock(ContentBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        return new([block], isError: false);
    }

    /// <summary>Returns this result as the <c>tool_result</c> block that answers a call.</summary>
    /// <param name="toolUseId">The id of the <see cref="ToolUseBlock"/> answered.</param>
    /// <returns>The block.</returns>
    /// <exception cref="ArgumentException"><paramref name="toolUseId"/> is null or empty.</exception>
    public ToolResultBlock ToToolResultBlock(string toolUseId)
    {
        ArgumentException.ThrowIfNullOrEmpty(toolUseId);
        return new ToolResultBlock { ToolUseId = toolUseId, Content = [.. Content], IsError = IsError ? true : null };
    }

    // Anthropic: text blocks must be non-empty, so an empty result is sent as a tool_result without content.
    private static ContentBlock[] TextContent(string? text) => string.IsNullOrEmpty(text) ? [] : [new TextBlock(text)];
}
