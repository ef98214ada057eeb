using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClaudeStreaming;

namespace WebRelay;

/// <summary>The body of <c>POST /api/chat</c>: the conversation as the Messages API takes it.</summary>
/// <param name="Messages">The turns, oldest first, ending with the user's new message.</param>
/// <param name="System">An optional system prompt.</param>
/// <param name="MaxTokens">An optional cap on the reply's length.</param>
internal sealed record ChatRequest(
    IReadOnlyList<ChatTurn>? Messages,
    string? System = null,
    [property: JsonPropertyName("max_tokens")] int? MaxTokens = null)
{
    private const int MaxTurns = 200;

    /// <summary>Checks the conversation and builds the upstream request, or says what is wrong with it.</summary>
    public bool TryToMessageRequest(
        string model, [NotNullWhen(true)] out MessageRequest? request, [NotNullWhen(false)] out string? problem)
    {
        request = null;
        if (Messages is not { Count: > 0 and <= MaxTurns })
        {
            problem = $"\"messages\" must hold between 1 and {MaxTurns} turns.";
            return false;
        }

        List<MessageParam> turns = new(Messages.Count);
        foreach (ChatTurn turn in Messages)
        {
            if (!turn.TryToParam(out MessageParam? param, out problem))
            {
                return false;
            }

            turns.Add(param);
        }

        if (turns[^1].Role != MessageRole.User)
        {
            problem = "The last turn must be the user's.";
            return false;
        }

        request = new MessageRequest
        {
            Model = model,
            MaxTokens = Math.Clamp(MaxTokens ?? 1024, 1, 8192),
            Messages = turns,
            System = string.IsNullOrWhiteSpace(System) ? null : new SystemPrompt(System),
        };
        problem = null;
        return true;
    }
}

/// <summary>One turn: <c>role</c> is <c>user</c> or <c>assistant</c>; <c>content</c> a string or text blocks.</summary>
/// <param name="Role">The author.</param>
/// <param name="Content">A string, or an array of <c>{"type":"text","text":"..."}</c> blocks.</param>
internal sealed record ChatTurn(string? Role, JsonElement Content)
{
    public bool TryToParam([NotNullWhen(true)] out MessageParam? param, [NotNullWhen(false)] out string? problem)
    {
        param = null;
        MessageRole role;
        switch (Role)
        {
            case "user": role = MessageRole.User; break;
            case "assistant": role = MessageRole.Assistant; break;
            default:
                problem = "Each turn's \"role\" must be \"user\" or \"assistant\".";
                return false;
        }

        List<ContentBlock> blocks = [];
        if (Content.ValueKind == JsonValueKind.String)
        {
            blocks.Add(new TextBlock(Content.GetString()!));
        }
        else if (Content.ValueKind == JsonValueKind.Array)
        {
            // This relay forwards text only; images, documents and tools are for a fuller app.
            foreach (JsonElement block in Content.EnumerateArray())
            {
                if (block.ValueKind != JsonValueKind.Object
                    || !block.TryGetProperty("type", out JsonElement type) || type.ValueEquals("text") is false
                    || !block.TryGetProperty("text", out JsonElement text) || text.ValueKind != JsonValueKind.String)
                {
                    problem = "This relay accepts text content only: a string or {\"type\":\"text\",\"text\":\"...\"} blocks.";
                    return false;
                }

                blocks.Add(new TextBlock(text.GetString()!));
            }
        }

        if (blocks.Count == 0 || blocks.TrueForAll(b => ((TextBlock)b).Text.Length == 0))
        {
            problem = "Each turn needs some text in \"content\".";
            return false;
        }

        param = new MessageParam { Role = role, Content = blocks };
        problem = null;
        return true;
    }
}

/// <summary>The body of a 400 answer.</summary>
/// <param name="Error">What is wrong with the request.</param>
internal sealed record RelayProblem(string Error);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(RelayProblem))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;
