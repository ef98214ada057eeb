using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI;

/// <summary>The request-side mapping from M.E.AI message contents to Messages API content blocks.</summary>
internal static class ChatContentMapping
{
    public static List<ContentBlock> ToBlocks(IList<AIContent> contents, MessageRole role)
    {
        var blocks = new List<ContentBlock>(contents.Count);
        foreach (AIContent content in contents)
        {
            if (ToBlock(content, role) is ContentBlock block)
            {
                blocks.Add(block);
            }
        }

        return blocks;
    }

    private static ContentBlock? ToBlock(AIContent content, MessageRole role)
    {
        switch (content)
        {
            // Anthropic rejects empty text blocks; an empty text is what carries a citation in a reply.
            case TextContent text:
                return text.Text.Length == 0 ? null : new TextBlock(text.Text);

            case TextReasoningContent reasoning:
                return Reasoning(reasoning);

            case FunctionCallContent call:
                return new ToolUseBlock { Id = call.CallId, Name = call.Name, Input = ArgumentsJson(call.Arguments) };

            case FunctionResultContent result:
                return new ToolResultBlock
                {
                    ToolUseId = result.CallId,
                    Content = ResultBlocks(result.Result),
                    IsError = result.Exception is not null ? true : null,
                };

            case DataContent data:
                return Media(data.MediaType, data.Base64Data.ToString(), url: null, data);

            case UriContent uri:
                return Media(uri.MediaType, base64: null, uri.Uri, uri);

            // Server-tool calls and results, unknown blocks: the block they came from goes back unchanged.
            case { RawRepresentation: ContentBlock block } when role == MessageRole.Assistant || block is not (ToolUseBlock or ServerToolUseBlock):
                return block;

            // UsageContent, error content and other kinds have no place in a request.
            default:
                return null;
        }
    }

    private static ContentBlock? Reasoning(TextReasoningContent reasoning)
    {
        bool redacted = reasoning.RawRepresentation is RedactedThinkingBlock
            || reasoning.AdditionalProperties?.TryGetValue(ChatMapping.RedactedThinkingKey, out object? mark) == true && mark is true or JsonElement { ValueKind: JsonValueKind.True };
        if (redacted)
        {
            return reasoning.ProtectedData is { } data ? new RedactedThinkingBlock { Data = data } : null;
        }

        // Anthropic: thinking goes back only with its signature; unsigned reasoning (from another provider, say) is dropped.
        return reasoning.ProtectedData is { Length: > 0 } signature
            ? new ThinkingBlock { Thinking = reasoning.Text, Signature = signature }
            : null;
    }

    private static ContentBlock Media(string mediaType, string? base64, Uri? url, AIContent content)
    {
        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return url is null ? ImageBlock.FromBase64(mediaType, base64!) : ImageBlock.FromUrl(url);
        }

        if (string.Equals(mediaType, "application/pdf", StringComparison.OrdinalIgnoreCase))
        {
            return url is null
                ? DocumentBlock.FromPdf(base64!)
                : new DocumentBlock { Source = new MediaSource { Type = "url", Url = url.ToString() } };
        }

        if (url is null && mediaType.StartsWith("text/plain", StringComparison.OrdinalIgnoreCase) && content is DataContent data)
        {
            return DocumentBlock.FromText(System.Text.Encoding.UTF8.GetString(data.Data.Span), data.Name);
        }

        throw new NotSupportedException(
            $"A {content.GetType().Name} of media type '{mediaType}' has no Messages API block: images (image/*), PDFs (application/pdf) and plain-text documents are supported.");
    }

    private static JsonElement ArgumentsJson(IDictionary<string, object?>? arguments)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return EmptyObject;
        }

        // M.E.AI's own options know the argument types its functions produce (JsonElement, primitives) without reflection.
        var typeInfo = (JsonTypeInfo<IDictionary<string, object?>>)AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(IDictionary<string, object?>));
        return JsonSerializer.SerializeToElement(arguments, typeInfo);
    }

    private static List<ContentBlock> ResultBlocks(object? result)
    {
        switch (result)
        {
            case null:
                return [];
            case string text:
                return text.Length == 0 ? [] : [new TextBlock(text)];
            case AIContent single:
                return ResultBlocks(new[] { single });
            case IEnumerable<AIContent> contents:
                var blocks = new List<ContentBlock>();
                foreach (AIContent item in contents)
                {
                    // A tool result holds text, images and documents; anything else is sent as its JSON.
                    ContentBlock? block = item is TextContent or DataContent or UriContent ? ToBlock(item, MessageRole.User) : Json(item);
                    if (block is not null)
                    {
                        blocks.Add(block);
                    }
                }

                return blocks;
            default:
                return Json(result) is TextBlock json ? [json] : [];
        }
    }

    private static TextBlock? Json(object value)
    {
        if (value is JsonElement element)
        {
            return element.ValueKind == JsonValueKind.String ? new TextBlock(element.GetString()!) : new TextBlock(element.GetRawText());
        }

        JsonTypeInfo typeInfo = AIJsonUtilities.DefaultOptions.GetTypeInfo(value.GetType());
        return new TextBlock(JsonSerializer.Serialize(value, typeInfo));
    }

    private static readonly JsonElement EmptyObject = JsonElement.Parse("{}");
}
