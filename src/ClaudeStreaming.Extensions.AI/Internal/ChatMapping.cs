using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI;

/// <summary>The reply-side mapping from Messages API values to Microsoft.Extensions.AI values.</summary>
internal static class ChatMapping
{
    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key for <c>cache_creation_input_tokens</c> (the wire name, so it reads the same in both worlds).</summary>
    public const string CacheCreationInputTokensKey = "cache_creation_input_tokens";

    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key for <c>server_tool_use.web_search_requests</c>.</summary>
    public const string WebSearchRequestsKey = "server_tool_use.web_search_requests";

    /// <summary>The <see cref="UsageDetails.AdditionalCounts"/> key for <c>server_tool_use.web_fetch_requests</c>.</summary>
    public const string WebFetchRequestsKey = "server_tool_use.web_fetch_requests";

    /// <summary>
    /// Marks reasoning content that came from a <c>redacted_thinking</c> block. Its text is empty, like thinking whose
    /// display is omitted, so the mark (which survives serialization, unlike <see cref="AIContent.RawRepresentation"/>)
    /// is what tells the two apart when the history goes back to the API.
    /// </summary>
    public const string RedactedThinkingKey = "anthropic.redacted_thinking";

    public static ChatFinishReason? FinishReason(StopReason? stopReason)
    {
        if (stopReason is not StopReason reason)
        {
            return null;
        }

        // Anthropic: pause_turn means a long server-tool turn paused and is resumed by sending the reply back, so it ends
        // this call like a normal stop; the exact reason stays on the raw message_delta.
        return reason.Value switch
        {
            "end_turn" or "stop_sequence" or "pause_turn" => ChatFinishReason.Stop,
            "max_tokens" => ChatFinishReason.Length,
            "tool_use" => ChatFinishReason.ToolCalls,
            "refusal" => ChatFinishReason.ContentFilter,
            _ => new ChatFinishReason(reason.Value),
        };
    }

    public static UsageDetails Usage(Usage usage)
    {
        // Anthropic: input_tokens counts only the uncached part of the prompt; M.E.AI's InputTokenCount is the whole prompt.
        long cacheRead = usage.CacheReadInputTokens ?? 0;
        long cacheCreation = usage.CacheCreationInputTokens ?? 0;
        long input = usage.InputTokens + cacheRead + cacheCreation;
        var details = new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = usage.OutputTokens,
            TotalTokenCount = input + usage.OutputTokens,
            CachedInputTokenCount = usage.CacheReadInputTokens,
        };

        AddCount(ref details, CacheCreationInputTokensKey, usage.CacheCreationInputTokens);
        AddCount(ref details, WebSearchRequestsKey, usage.ServerToolUse?.WebSearchRequests);
        AddCount(ref details, WebFetchRequestsKey, usage.ServerToolUse?.WebFetchRequests);
        return details;

        static void AddCount(ref UsageDetails details, string key, int? value)
        {
            if (value is int count)
            {
                (details.AdditionalCounts ??= [])[key] = count;
            }
        }
    }

    public static CitationAnnotation Annotation(Citation citation) => new()
    {
        Title = citation.Title ?? citation.DocumentTitle,
        Url = citation.Url is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) ? uri : null,
        Snippet = citation.CitedText,
        ToolName = citation.Type == "web_search_result_location" ? "web_search" : null,
        RawRepresentation = citation,
    };

    public static TextReasoningContent RedactedReasoning(RedactedThinkingBlock block) => new(string.Empty)
    {
        ProtectedData = block.Data,
        RawRepresentation = block,
        AdditionalProperties = new() { [RedactedThinkingKey] = true },
    };

    /// <summary>A tool's input as M.E.AI arguments: each member as a <see cref="JsonElement"/>, which <c>AIFunction</c> binds without reflection.</summary>
    public static Dictionary<string, object?> Arguments(JsonElement input)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (input.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in input.EnumerateObject())
            {
                arguments[property.Name] = property.Value;
            }
        }

        return arguments;
    }

    public static AIContent ServerToolCall(ServerToolUseBlock block)
    {
        // The raw block stays on every content, so that the call goes back to the API unchanged in the next turn.
        AIContent content = block.Name switch
        {
            "web_search" => new WebSearchToolCallContent(block.Id) { Queries = StringMember(block.Input, "query") is { } query ? [query] : [] },
            "code_execution" => CodeCall(block, StringMember(block.Input, "code"), "text/x-python"),
            "bash_code_execution" => CodeCall(block, StringMember(block.Input, "command"), "text/x-shellscript"),
            "text_editor_code_execution" => CodeCall(block, block.Input.GetRawText(), "application/json"),
            _ => new ToolCallContent(block.Id),
        };
        content.RawRepresentation = block;
        return content;

        static CodeInterpreterToolCallContent CodeCall(ServerToolUseBlock block, string? input, string mediaType) =>
            new(block.Id) { Inputs = input is null ? [] : [new DataContent(Encoding.UTF8.GetBytes(input), mediaType)] };
    }

    public static AIContent UnknownBlock(UnknownContentBlock block)
    {
        JsonElement json = block.Json;
        AIContent content = block.Type switch
        {
            "container_upload" when StringMember(json, "file_id") is { } fileId => new HostedFileContent(fileId),
            "web_search_tool_result" when StringMember(json, "tool_use_id") is { } callId => new WebSearchToolResultContent(callId) { Outputs = WebResults(json) },
            _ => new AIContent(),
        };
        content.RawRepresentation = block;
        return content;
    }

    private static List<AIContent> WebResults(JsonElement json)
    {
        var outputs = new List<AIContent>();
        if (json.TryGetProperty("content", out JsonElement results) && results.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement result in results.EnumerateArray())
            {
                if (StringMember(result, "url") is { } url && Uri.TryCreate(url, UriKind.Absolute, out Uri? uri))
                {
                    outputs.Add(new UriContent(uri, "text/html") { RawRepresentation = result });
                }
            }
        }

        return outputs;
    }

    private static string? StringMember(JsonElement json, string name) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
