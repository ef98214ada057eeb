namespace ClaudeStreaming;

/// <summary>How Claude may use the tools: decide itself, use any tool, use one named tool, or use none.</summary>
public sealed record ToolChoice
{
    /// <summary>The choice: <c>auto</c>, <c>any</c>, <c>tool</c> or <c>none</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The tool to use when <see cref="Type"/> is <c>tool</c>.</summary>
    public string? Name { get; init; }

    /// <summary>When <see langword="true"/>, Claude calls at most one tool (exactly one for <c>any</c> and <c>tool</c>).</summary>
    public bool? DisableParallelToolUse { get; init; }

    /// <summary>Claude decides whether to call tools (the API's default).</summary>
    public static ToolChoice Auto { get; } = new() { Type = "auto" };

    /// <summary>Claude must call one of the tools.</summary>
    public static ToolChoice Any { get; } = new() { Type = "any" };

    /// <summary>Claude must not call tools.</summary>
    public static ToolChoice None { get; } = new() { Type = "none" };

    /// <summary>Claude must call the named tool.</summary>
    /// <param name="name">The tool name.</param>
    /// <returns>The choice.</returns>
    public static ToolChoice Tool(string name) => new() { Type = "tool", Name = name };
}
