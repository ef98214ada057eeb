namespace ClaudeStreaming;

/// <summary>Runs one turn's client tool calls, for callers who keep the tool loop themselves.</summary>
/// <remarks>
/// <see cref="MessagesClient.RunTools"/> uses the same code for each turn. To ask for approval before a tool runs, call
/// <see cref="ClaudeTool.InvokeAsync"/> per approved call instead and answer the others with an <c>is_error</c>
/// <see cref="ToolResultBlock"/>.
/// </remarks>
public static class ToolCalls
{
    /// <summary>
    /// Runs every <c>tool_use</c> block of <paramref name="reply"/> (concurrently) and returns the user turn of
    /// <c>tool_result</c> blocks that answers them, in the order of the calls.
    /// </summary>
    /// <param name="reply">The assistant reply, normally one whose stop reason is <c>tool_use</c>.</param>
    /// <param name="tools">The tools that may be called.</param>
    /// <param name="cancellationToken">Passed to every tool; cancels the whole turn.</param>
    /// <returns>The user turn to append after <c>reply.ToParam()</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reply"/> or <paramref name="tools"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="reply"/> has no <c>tool_use</c> block, or two tools share a name.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// A call of a tool that is not in <paramref name="tools"/> is answered with an <c>is_error</c> result that names it;
    /// a tool that throws is answered with an <c>is_error</c> result carrying the exception's message. Server tool calls
    /// (<see cref="ServerToolUseBlock"/>) are the API's to run and are skipped.
    /// </remarks>
    public static Task<MessageParam> RunAsync(Message reply, IEnumerable<ClaudeTool> tools, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reply);
        Dictionary<string, ClaudeTool> byName = ByName(tools);
        ToolUseBlock[] calls = [.. reply.Content.OfType<ToolUseBlock>()];
        if (calls.Length == 0)
        {
            throw new ArgumentException("The reply has no tool_use block to answer.", nameof(reply));
        }

        return RunCoreAsync(calls, byName, cancellationToken);
    }

    internal static Dictionary<string, ClaudeTool> ByName(IEnumerable<ClaudeTool> tools)
    {
        ArgumentNullException.ThrowIfNull(tools);
        var byName = new Dictionary<string, ClaudeTool>(StringComparer.Ordinal);
        foreach (ClaudeTool tool in tools)
        {
            ArgumentNullException.ThrowIfNull(tool, nameof(tools));
            if (!byName.TryAdd(tool.Name, tool))
            {
                throw new ArgumentException($"Two tools are named '{tool.Name}'; tool names must be unique.", nameof(tools));
            }
        }

        return byName;
    }

    internal static async Task<MessageParam> RunCoreAsync(IReadOnlyList<ToolUseBlock> calls, Dictionary<string, ClaudeTool> tools, CancellationToken cancellationToken)
    {
        ContentBlock[] results;
        if (calls.Count == 1)
        {
            results = [await InvokeAsync(calls[0], tools, cancellationToken).ConfigureAwait(false)];
        }
        else
        {
            // On the thread pool, so that a handler that blocks before its first await does not hold up the others.
            Task<ToolResultBlock>[] running = [.. calls.Select(call => Task.Run(() => InvokeAsync(call, tools, cancellationToken), cancellationToken))];
            results = await Task.WhenAll(running).ConfigureAwait(false);
        }

        // Anthropic: the tool_result blocks come first in the user turn, in the order of the tool_use blocks.
        return MessageParam.User(results);
    }

    private static Task<ToolResultBlock> InvokeAsync(ToolUseBlock call, Dictionary<string, ClaudeTool> tools, CancellationToken cancellationToken) =>
        tools.TryGetValue(call.Name, out ClaudeTool? tool)
            ? tool.InvokeAsync(call, cancellationToken)
            : Task.FromResult(ToolResultBlock.FromText(call.Id, $"Unknown tool '{call.Name}': no tool of that name is available.", isError: true));
}
