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

internal sealed class TextItem(ImmutableArray<string> deltas) : ScriptItem
{
    public ImmutableArray<string> Deltas { get; } = deltas;
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

internal sealed class ToolUseItem(string id, string name, ImmutableArray<string> fragments) : ScriptItem
{
    public string Id { get; } = id;

    public string Name { get; } = name;

    public ImmutableArray<string> Fragments { get; } = fragments;
}

internal sealed class PingItem : ScriptItem
{
    public static readonly PingItem Instance = new();
}
