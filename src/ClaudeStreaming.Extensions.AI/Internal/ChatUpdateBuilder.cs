using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI;

/// <summary>
/// Turns the typed events of one <see cref="MessageStream"/> into <see cref="ChatResponseUpdate"/>s, with constant work
/// per delta: text and thinking pass through as they arrive; blocks whose meaning needs the whole block (tool calls,
/// signatures, redacted thinking, server-tool and unknown blocks) are taken from <see cref="ContentBlockStopEvent"/>,
/// which carries the block the core accumulated.
/// </summary>
internal sealed class ChatUpdateBuilder
{
    private string? _messageId;
    private string? _modelId;

    /// <summary>Returns the update for an event, or <see langword="null"/> for an event that adds nothing (a ping, a block start, a tool's JSON fragment).</summary>
    public ChatResponseUpdate? Apply(StreamEvent streamEvent) => streamEvent switch
    {
        MessageStartEvent start => Start(start),
        ContentBlockDeltaEvent delta => Delta(delta),
        ContentBlockStopEvent stop => Stop(stop),

        // Anthropic: stop_reason arrives in message_delta; usage is cumulative, so it is reported once, from message_stop.
        MessageDeltaEvent messageDelta => Update(messageDelta, [], ChatMapping.FinishReason(messageDelta.StopReason)),
        MessageStopEvent messageStop => Update(messageStop, [new UsageContent(ChatMapping.Usage(messageStop.Message.Usage)) { RawRepresentation = messageStop.Message.Usage }]),

        // Not lost: an event type this version does not know is passed on with its raw form.
        UnknownStreamEvent unknown => Update(unknown, []),
        _ => null,
    };

    private ChatResponseUpdate Start(MessageStartEvent start)
    {
        // A repeated message_start restates the header; the latest wins, as in the core's accumulator.
        _messageId = start.Message.Id;
        _modelId = start.Message.Model;
        return Update(start, []);
    }

    private ChatResponseUpdate? Delta(ContentBlockDeltaEvent delta) => delta.Delta switch
    {
        TextDelta text => Update(delta, [new TextContent(text.Text) { RawRepresentation = text }]),
        ThinkingDelta thinking => Update(delta, [new TextReasoningContent(thinking.Thinking) { RawRepresentation = thinking }]),
        CitationsDelta citation => Update(delta, [new TextContent(string.Empty) { Annotations = [ChatMapping.Annotation(citation.Citation)], RawRepresentation = citation }]),

        // Signatures and tool input are complete only at content_block_stop, where the core hands over the finished block.
        _ => null,
    };

    private ChatResponseUpdate? Stop(ContentBlockStopEvent stop)
    {
        AIContent? content = stop.ContentBlock switch
        {
            // The text and citations were already passed on delta by delta.
            TextBlock => null,

            // The thinking text was passed on delta by delta; its signature completes it (M.E.AI joins the two when coalescing).
            ThinkingBlock thinking => thinking.Signature.Length == 0
                ? null
                : new TextReasoningContent(string.Empty) { ProtectedData = thinking.Signature, RawRepresentation = thinking },
            RedactedThinkingBlock redacted => ChatMapping.RedactedReasoning(redacted),
            ToolUseBlock toolUse => new FunctionCallContent(toolUse.Id, toolUse.Name, ChatMapping.Arguments(toolUse.Input)) { RawRepresentation = toolUse },
            ServerToolUseBlock serverTool => ChatMapping.ServerToolCall(serverTool),
            UnknownContentBlock unknown => ChatMapping.UnknownBlock(unknown),

            // Any other block (a document or image echoed back, a tool result) is passed on whole rather than lost.
            ContentBlock other => new AIContent { RawRepresentation = other },
        };
        return content is null ? null : Update(stop, [content]);
    }

    private ChatResponseUpdate Update(StreamEvent raw, IList<AIContent> contents, ChatFinishReason? finishReason = null) =>
        new(ChatRole.Assistant, contents)
        {
            MessageId = _messageId,
            ResponseId = _messageId,
            ModelId = _modelId,
            FinishReason = finishReason,
            RawRepresentation = raw,
        };
}
