using System.Text;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Contestants;

/// <summary>ClaudeStreaming: <c>await foreach</c> over <c>TextStream</c> or over the events, then <c>GetFinalMessageAsync()</c>.</summary>
public sealed class ClaudeStreamingContestant : IDisposable
{
    private readonly ClaudeClient _client;

    public ClaudeStreamingContestant(HttpClient httpClient, Uri baseAddress)
    {
        _client = new ClaudeClient(httpClient, new ClaudeClientOptions
        {
            ApiKey = "bench-key",
            BaseAddress = baseAddress,
            MaxRetries = 0,
        });
    }

    public static MessageRequest Request { get; } = new()
    {
        Model = "claude-sonnet-4-5",
        MaxTokens = 64_000,
        Messages = [MessageParam.User("Write a long reply.")],
    };

    /// <summary>Characters seen by the last loop (keeps the loop body from being optimized away).</summary>
    public long LastLoopChars { get; private set; }

    /// <summary>The text path: each text delta as a string, then the final message.</summary>
    public async Task<Message> TextStreamAsync(CancellationToken cancellationToken = default)
    {
        await using MessageStream stream = await _client.Messages.StreamAsync(Request, cancellationToken).ConfigureAwait(false);
        long chars = 0;
        await foreach (string text in stream.TextStream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            chars += text.Length;
        }

        LastLoopChars = chars;
        return await stream.GetFinalMessageAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The typed event path: every event, the deltas picked out by pattern, then the final message.</summary>
    public async Task<Message> EventsAsync(CancellationToken cancellationToken = default)
    {
        await using MessageStream stream = await _client.Messages.StreamAsync(Request, cancellationToken).ConfigureAwait(false);
        long chars = 0;
        await foreach (StreamEvent e in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (e is ContentBlockDeltaEvent { Delta: var delta })
            {
                chars += delta switch
                {
                    TextDelta t => t.Text.Length,
                    InputJsonDelta j => j.PartialJson.Length,
                    ThinkingDelta th => th.Thinking.Length,
                    _ => 0,
                };
            }
        }

        LastLoopChars = chars;
        return await stream.GetFinalMessageAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads a final <see cref="Message"/> back into the comparable shape (not measured).</summary>
    public static StreamResult ToResult(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        StringBuilder text = new();
        string? json = null, thinking = null, signature = null;
        foreach (ContentBlock block in message.Content)
        {
            switch (block)
            {
                case TextBlock t:
                    text.Append(t.Text);
                    break;
                case ToolUseBlock tool:
                    json = tool.Input.GetRawText();
                    break;
                case ThinkingBlock th:
                    thinking = th.Thinking;
                    signature = th.Signature;
                    break;
            }
        }

        return new StreamResult
        {
            Text = text.ToString(),
            ToolInputJson = json,
            Thinking = thinking,
            Signature = signature,
            InputTokens = message.Usage.InputTokens,
            OutputTokens = message.Usage.OutputTokens,
            StopReason = message.StopReason?.Value,
        };
    }

    public void Dispose() => _client.Dispose();
}
