using System.Collections.Immutable;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>What a <see cref="FakeReply"/> sends.</summary>
internal enum ReplyKind
{
    Stream,
    HttpError,
    Raw,
}

/// <summary>How a streamed reply ends when it does not end normally.</summary>
internal enum FaultKind
{
    None,
    ErrorEvent,
    Disconnect,
    Stall,
    Truncate,
}

/// <summary>One step of a streamed script: a content block or a ping.</summary>
internal abstract class ScriptItem;

internal sealed class TextItem(ImmutableArray<string> deltas, ImmutableArray<string> citations = default) : ScriptItem
{
    public ImmutableArray<string> Deltas { get; } = deltas;

    /// <summary>The citation objects' JSON, sent as <c>citations_delta</c>s before the text; default when the block has no citations.</summary>
    public ImmutableArray<string> Citations { get; } = citations;
}

internal sealed class ThinkingItem(ImmutableArray<string> deltas, string signature) : ScriptItem
{
    public ImmutableArray<string> Deltas { get; } = deltas;

    public string Signature { get; } = signature;
}

internal sealed class RedactedThinkingItem(string data) : ScriptItem
{
    public string Data { get; } = data;
}

internal sealed class ToolUseItem(string id, string name, ImmutableArray<string> fragments, string type = "tool_use") : ScriptItem
{
    /// <summary><c>tool_use</c>, or <c>server_tool_use</c> for a tool the API runs itself.</summary>
    public string Type { get; } = type;

    public string Id { get; } = id;

    public string Name { get; } = name;

    public ImmutableArray<string> Fragments { get; } = fragments;
}

internal sealed class PingItem : ScriptItem
{
    public static readonly PingItem Instance = new();
}

/// <summary>Any block, known or not: its <c>content_block_start</c> JSON as given, then its delta objects as given.</summary>
internal sealed class RawBlockItem(string blockJson, ImmutableArray<string> deltas) : ScriptItem
{
    public string BlockJson { get; } = blockJson;

    public ImmutableArray<string> Deltas { get; } = deltas;
}
