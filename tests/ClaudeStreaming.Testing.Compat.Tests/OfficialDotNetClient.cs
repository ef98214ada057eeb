using System.Diagnostics;
using System.Text.Json;
using Anthropic;
using Anthropic.Exceptions;

namespace ClaudeStreaming.Testing.Compat.Tests;

// Inside the namespace so that Anthropic's Message wins over any other.
using Anthropic.Models.Messages;

/// <summary>The official .NET <c>Anthropic</c> package, called as an app calls it, pointed at the fake's base URL.</summary>
internal static class OfficialDotNetClient
{
    public static async Task<Outcome> RunAsync(Uri baseAddress, bool stream, int maxRetries, string apiKey, string model)
    {
        using var client = new AnthropicClient
        {
            ApiKey = apiKey,
            BaseUrl = baseAddress.ToString().TrimEnd('/'),
            MaxRetries = maxRetries,
        };
        var request = new MessageCreateParams
        {
            Model = model,
            MaxTokens = 1024,
            Messages = [new UserMessageParam("Hello")],
        };

        var stopwatch = Stopwatch.StartNew();
        Outcome outcome;
        try
        {
            Message message = stream
                ? await client.Messages.CreateStreaming(request).Aggregate()
                : await client.Messages.Create(request);
            outcome = Summarize(message);
        }
        catch (AnthropicApiException ex)
        {
            outcome = new Outcome { Kind = "error", ErrorName = ex.GetType().Name, Status = (int)ex.StatusCode, RequestId = ex.RequestID, Message = ex.Message };
        }
        catch (AnthropicException ex)
        {
            outcome = new Outcome { Kind = "error", ErrorName = ex.GetType().Name, Message = ex.Message };
        }

        outcome.ElapsedMs = stopwatch.ElapsedMilliseconds;
        return outcome;
    }

    private static Outcome Summarize(Message message)
    {
        var outcome = new Outcome
        {
            Kind = "message",
            Id = message.ID,
            Model = message.Model.Raw(),
            Text = "",
            StopReason = message.StopReason?.Raw(),
            StopSequence = message.StopSequence,
            InputTokens = message.Usage.InputTokens,
            OutputTokens = message.Usage.OutputTokens,
            CacheCreationInputTokens = message.Usage.CacheCreationInputTokens,
            CacheReadInputTokens = message.Usage.CacheReadInputTokens,
        };
        foreach (ContentBlock block in message.Content)
        {
            if (block.TryPickText(out TextBlock? text))
            {
                outcome.Text += text.Text;
                outcome.Citations += text.Citations?.Count ?? 0;
                outcome.BlockTypes.Add("text");
            }
            else if (block.TryPickToolUse(out ToolUseBlock? tool))
            {
                outcome.ToolName = tool.Name;
                outcome.ToolInput = JsonSerializer.Serialize(tool.Input);
                outcome.BlockTypes.Add("tool_use");
            }
            else if (block.TryPickThinking(out ThinkingBlock? thinking))
            {
                outcome.Thinking = thinking.Thinking;
                outcome.Signature = thinking.Signature;
                outcome.BlockTypes.Add("thinking");
            }
            else if (block.TryPickServerToolUse(out ServerToolUseBlock? _))
            {
                outcome.BlockTypes.Add("server_tool_use");
            }
            else
            {
                outcome.BlockTypes.Add("other");
            }
        }

        return outcome;
    }
}
