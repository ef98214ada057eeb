using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI;

/// <summary>Builds the Messages API request for a chat history and its <see cref="ChatOptions"/>.</summary>
/// <remarks>
/// A <see cref="MessageRequest"/> from <see cref="ChatOptions.RawRepresentationFactory"/> is the starting point: a
/// scalar it sets wins over <see cref="ChatOptions"/> (it is the caller's most specific word), and lists are joined,
/// its own items first (messages, tools, stop sequences, system blocks). <c>Model = ""</c> and <c>MaxTokens = 0</c> on it
/// mean "not set".
/// </remarks>
internal sealed class ChatRequestBuilder(string? defaultModelId, int defaultMaxOutputTokens)
{
    /// <summary>
    /// The <see cref="ChatOptions.AdditionalProperties"/> key for a <see cref="ThinkingConfig"/>, which wins over
    /// <see cref="ChatOptions.Reasoning"/>.
    /// </summary>
    public const string ThinkingKey = "thinking";

    /// <summary>The API's minimum <c>budget_tokens</c>.</summary>
    public const int MinimumThinkingBudget = 1024;

    public MessageRequest Build(IEnumerable<ChatMessage> messages, ChatOptions? options, IChatClient client)
    {
        MessageRequest? raw = options?.RawRepresentationFactory?.Invoke(client) as MessageRequest;

        string model = !string.IsNullOrEmpty(raw?.Model) ? raw.Model
            : options?.ModelId ?? defaultModelId
            ?? throw new InvalidOperationException("No model: pass a defaultModelId to AsIChatClient or set ChatOptions.ModelId.");

        var system = new List<TextBlock>();
        AddSystem(system, raw?.System);
        if (!string.IsNullOrEmpty(options?.Instructions))
        {
            system.Add(new TextBlock(options.Instructions));
        }

        // Each turn's blocks stay a mutable list until the end, so that merging a turn costs only its own blocks.
        var turns = new List<(MessageRole Role, List<ContentBlock> Blocks)>();
        foreach (MessageParam param in raw?.Messages ?? [])
        {
            AddTurn(turns, param.Role, [.. param.Content]);
        }

        foreach (ChatMessage message in messages)
        {
            ArgumentNullException.ThrowIfNull(message, nameof(messages));
            if (message.Role == ChatRole.System)
            {
                // Anthropic: there is no system role; system text goes to the top-level "system", in history order.
                string text = message.Text;
                if (text.Length > 0)
                {
                    system.Add(new TextBlock(text));
                }

                continue;
            }

            MessageRole role = message.Role == ChatRole.Assistant ? MessageRole.Assistant : MessageRole.User;
            AddTurn(turns, role, ChatContentMapping.ToBlocks(message.Contents, role));
        }

        ThinkingConfig? thinking = raw?.Thinking ?? Thinking(options);
        int maxTokens = raw is { MaxTokens: > 0 } ? raw.MaxTokens
            : options?.MaxOutputTokens ?? defaultMaxOutputTokens + (thinking?.BudgetTokens ?? 0);
        if (thinking is { Type: "enabled", BudgetTokens: int budget } && budget >= maxTokens && raw?.Thinking is null)
        {
            // Anthropic: budget_tokens must be below max_tokens; an explicit MaxOutputTokens is the user's ceiling, so the budget yields.
            thinking = thinking with { BudgetTokens = Math.Max(MinimumThinkingBudget, maxTokens - 1) };
        }

        List<ToolDefinition> tools = [.. raw?.Tools ?? []];
        foreach (AITool tool in options?.Tools ?? [])
        {
            if (ToTool(tool) is ToolDefinition definition)
            {
                tools.Add(definition);
            }
        }

        List<string> stopSequences = [.. raw?.StopSequences ?? [], .. options?.StopSequences ?? []];

        return new MessageRequest
        {
            Model = model,
            MaxTokens = maxTokens,
            Messages = [.. turns.Select(t => new MessageParam { Role = t.Role, Content = t.Role == MessageRole.Assistant ? ReasoningFirst(t.Blocks) : t.Blocks })],
            System = system.Count switch
            {
                0 => null,
                1 when system[0].CacheControl is null && system[0].Citations is null => new SystemPrompt(system[0].Text),
                _ => new SystemPrompt(system),
            },
            Temperature = raw?.Temperature ?? options?.Temperature,
            TopP = raw?.TopP ?? options?.TopP,
            TopK = raw?.TopK ?? options?.TopK,
            StopSequences = stopSequences.Count == 0 ? null : stopSequences,
            Tools = tools.Count == 0 ? null : tools,
            ToolChoice = raw?.ToolChoice ?? (tools.Count == 0 ? null : ToolChoiceFor(options)),
            Thinking = thinking,
            Metadata = raw?.Metadata,
            ServiceTier = raw?.ServiceTier,
            AdditionalProperties = raw?.AdditionalProperties,
        };
    }

    /// <summary>The thinking budget for each <see cref="ReasoningEffort"/>; <see langword="null"/> effort means Medium.</summary>
    public static int ThinkingBudget(ReasoningEffort? effort) => effort switch
    {
        ReasoningEffort.Low => MinimumThinkingBudget,
        ReasoningEffort.High => 16_384,
        ReasoningEffort.ExtraHigh => 32_768,
        _ => 4_096,
    };

    private static ThinkingConfig? Thinking(ChatOptions? options)
    {
        if (options?.AdditionalProperties?.TryGetValue(ThinkingKey, out object? value) == true && value is ThinkingConfig config)
        {
            return config;
        }

        if (options?.Reasoning is not ReasoningOptions reasoning)
        {
            return null;
        }

        if (reasoning.Effort == ReasoningEffort.None)
        {
            return ThinkingConfig.Disabled;
        }

        // Anthropic: display "omitted" returns only the signature (faster); summarized is the default and the fullest text there is.
        return ThinkingConfig.Enabled(ThinkingBudget(reasoning.Effort)) with
        {
            Display = reasoning.Output == ReasoningOutput.None ? "omitted" : null,
        };
    }

    private static ToolChoice? ToolChoiceFor(ChatOptions? options)
    {
        ToolChoice? choice = options?.ToolMode switch
        {
            NoneChatToolMode => ToolChoice.None,
            RequiredChatToolMode { RequiredFunctionName: { } name } => ToolChoice.Tool(name),
            RequiredChatToolMode => ToolChoice.Any,
            AutoChatToolMode => ToolChoice.Auto,
            _ => null,
        };

        if (options?.AllowMultipleToolCalls == false && choice?.Type != "none")
        {
            // Anthropic: disable_parallel_tool_use lives on tool_choice (auto, any or tool), so it needs one.
            choice = (choice ?? ToolChoice.Auto) with { DisableParallelToolUse = true };
        }

        return choice;
    }

    private static ToolDefinition? ToTool(AITool tool) => tool switch
    {
        AIFunctionDeclaration function => new ToolDefinition
        {
            Name = function.Name,
            Description = string.IsNullOrEmpty(function.Description) ? null : function.Description,
            InputSchema = function.JsonSchema,
        },
        HostedWebSearchTool => ToolDefinition.WebSearch(),

        // Other hosted tools have no Anthropic counterpart here; a ToolDefinition for them goes in through RawRepresentationFactory.
        _ => null,
    };

    private static void AddTurn(List<(MessageRole Role, List<ContentBlock> Blocks)> turns, MessageRole role, List<ContentBlock> blocks)
    {
        if (blocks.Count == 0)
        {
            return;
        }

        // Anthropic merges consecutive turns of one role anyway; merging here keeps a tool loop's results in one user turn.
        if (turns.Count > 0 && turns[^1].Role == role)
        {
            turns[^1].Blocks.AddRange(blocks);
        }
        else
        {
            turns.Add((role, blocks));
        }
    }

    private static void AddSystem(List<TextBlock> system, SystemPrompt? prompt)
    {
        if (prompt?.Text is { Length: > 0 } text)
        {
            system.Add(new TextBlock(text));
        }
        else if (prompt?.Blocks is { } blocks)
        {
            system.AddRange(blocks);
        }
    }

    private static List<ContentBlock> ReasoningFirst(List<ContentBlock> blocks)
    {
        // Anthropic: an assistant turn with thinking must start with its thinking blocks; each group keeps its order.
        static bool IsThinking(ContentBlock block) => block is ThinkingBlock or RedactedThinkingBlock;
        return [.. blocks.Where(IsThinking), .. blocks.Where(b => !IsThinking(b))];
    }
}
