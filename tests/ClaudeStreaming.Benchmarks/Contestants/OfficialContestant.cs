using System.Text;
using System.Text.Json;
using Anthropic;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Contestants;

// Inside the namespace so that Anthropic's Message, TextDelta, ... win over ClaudeStreaming's (the parent namespace).
using Anthropic.Models.Messages;

/// <summary>The official <c>Anthropic</c> package (13.12.0): a typed event loop, and its <c>.Aggregate()</c> helper.</summary>
public sealed class OfficialContestant : IDisposable
{
    private readonly AnthropicClient _client;

    public OfficialContestant(HttpClient httpClient, Uri baseAddress)
    {
        _client = new AnthropicClient
        {
            HttpClient = httpClient,
            ApiKey = "bench-key",
            BaseUrl = baseAddress.ToString().TrimEnd('/'),
            MaxRetries = 0,
        };
    }

    public static MessageCreateParams Request { get; } = new()
    {
        Model = "claude-sonnet-4-5",
        MaxTokens = 64_000,
        Messages = [new UserMessageParam("Write a long reply.")],
    };

    /// <summary>The typed event loop a user writes: pick the deltas and the usage out of the events.</summary>
    public async Task<StreamResult> EventLoopAsync(CancellationToken cancellationToken = default)
    {
        StringBuilder text = new();
        StringBuilder? json = null, thinking = null;
        string? signature = null, stopReason = null;
        long inputTokens = 0, outputTokens = 0;

        await foreach (RawMessageStreamEvent e in _client.Messages.CreateStreaming(Request, cancellationToken).ConfigureAwait(false))
        {
            if (e.TryPickContentBlockDelta(out RawContentBlockDeltaEvent? blockDelta))
            {
                RawContentBlockDelta delta = blockDelta.Delta;
                if (delta.TryPickText(out TextDelta? t))
                {
                    text.Append(t.Text);
                }
                else if (delta.TryPickInputJson(out InputJsonDelta? j))
                {
                    (json ??= new StringBuilder()).Append(j.PartialJson);
                }
                else if (delta.TryPickThinking(out ThinkingDelta? th))
                {
                    (thinking ??= new StringBuilder()).Append(th.Thinking);
                }
                else if (delta.TryPickSignature(out SignatureDelta? s))
                {
                    signature = s.Signature;
                }
            }
            else if (e.TryPickStart(out RawMessageStartEvent? start))
            {
                inputTokens = start.Message.Usage.InputTokens;
                outputTokens = start.Message.Usage.OutputTokens;
            }
            else if (e.TryPickDelta(out RawMessageDeltaEvent? messageDelta))
            {
                // Anthropic: usage in message_delta is cumulative, so it replaces, never adds.
                inputTokens = messageDelta.Usage.InputTokens ?? inputTokens;
                outputTokens = messageDelta.Usage.OutputTokens;
                stopReason = messageDelta.Delta.StopReason?.Raw();
            }
        }

        return new StreamResult
        {
            Text = text.ToString(),
            ToolInputJson = json?.ToString(),
            ToolInputIsRaw = true,
            Thinking = thinking?.ToString(),
            Signature = signature,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            StopReason = stopReason,
        };
    }

    /// <summary>The package's own accumulation: <c>CreateStreaming(...).Aggregate()</c>.</summary>
    public Task<Message> AggregateAsync(CancellationToken cancellationToken = default) =>
        _client.Messages.CreateStreaming(Request, cancellationToken).Aggregate();

    /// <summary>Reads a final <see cref="Message"/> back into the comparable shape (not measured).</summary>
    public static StreamResult ToResult(Message message)
    {
        StringBuilder text = new();
        string? json = null, thinking = null, signature = null;
        foreach (ContentBlock block in message.Content)
        {
            if (block.TryPickText(out TextBlock? t))
            {
                text.Append(t.Text);
            }
            else if (block.TryPickToolUse(out ToolUseBlock? tool))
            {
                json = JsonSerializer.Serialize(tool.Input);
            }
            else if (block.TryPickThinking(out ThinkingBlock? th))
            {
                thinking = th.Thinking;
                signature = th.Signature;
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
            StopReason = message.StopReason?.Raw(),
        };
    }

    public void Dispose() => _client.Dispose();
}
