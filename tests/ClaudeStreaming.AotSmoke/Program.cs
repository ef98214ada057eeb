using System.Net;
using System.Text;
using ClaudeStreaming;
using Microsoft.Extensions.AI;

// Native AOT smoke test: stream a canned reply through the whole client path and check the result.
using var client = new ClaudeClient(new HttpClient(new CannedHandler()), new ClaudeClientOptions { ApiKey = "aot-key", BaseAddress = new Uri("https://api.anthropic.com/") });
var request = new MessageRequest
{
    Model = "claude-sonnet-4-6",
    MaxTokens = 64,
    System = "Be brief.",
    Messages = [MessageParam.User("Hi")],
    Tools = [ToolDefinition.Custom("t", "test", """{"type":"object"}""")],
};

// The tool runner: a typed tool (schema exported from source-generated metadata, [Description] included), one tool
// turn, then the final turn. Its requests name the model "aot-tools", which the handler answers with the final turn.
ClaudeTool sum = ClaudeTool.Create("t", "Adds numbers.", SmokeJsonContext.Default.SumInput,
    async (SumInput input, CancellationToken ct) => $"sum {input.A.Sum()}");
await using (ToolRun run = client.Messages.RunTools(request with { Model = "aot-tools", Tools = [] }, [sum]))
{
    var runText = new StringBuilder();
    await foreach (MessageStream turn in run)
    {
        await foreach (string piece in turn.TextStream)
        {
            runText.Append(piece);
        }
    }

    Message runFinal = await run.GetFinalMessageAsync();
    bool toolsOk = runText.ToString() == "AOT works 🚀Done." && runFinal.StopReason == StopReason.EndTurn && run.Messages.Count == 4
        && CannedHandler.LastBody.Contains("\"tool_result\"", StringComparison.Ordinal) && CannedHandler.LastBody.Contains("sum 3", StringComparison.Ordinal)
        && CannedHandler.LastBody.Contains("\"input_schema\":{\"type\":\"object\"", StringComparison.Ordinal)
        && CannedHandler.LastBody.Contains("The numbers to add.", StringComparison.Ordinal);
    Console.WriteLine(toolsOk ? $"AOT tool run OK: {run.TurnCount} turns, {runText}" : $"AOT tool run FAILED: {runText} / {CannedHandler.LastBody}");
    if (!toolsOk)
    {
        return 1;
    }
}

await using MessageStream stream = await client.Messages.StreamAsync(request);
var text = new StringBuilder();
await foreach (string piece in stream.TextStream)
{
    text.Append(piece);
}

Message final = await stream.GetFinalMessageAsync();
string json = final.ToJson();
var tool = (ToolUseBlock)final.Content[1];
bool ok = text.ToString() == "AOT works 🚀" && final.Usage.OutputTokens == 9 && final.StopReason == StopReason.ToolUse
    && tool.Input.GetProperty("a").GetArrayLength() == 2 && final.Content[2] is UnknownContentBlock
    && json.Contains("\"web_search_tool_result\"", StringComparison.Ordinal) && CannedHandler.LastBody.Contains("\"stream\":true", StringComparison.Ordinal);
// The Microsoft.Extensions.AI adapter on the same canned reply: request mapping (tools, tool results, thinking) and updates.
IChatClient chat = client.AsIChatClient("claude-sonnet-4-6");
List<ChatMessage> history =
[
    new(ChatRole.System, "Be brief."),
    new(ChatRole.User, "Hi"),
    new(ChatRole.Assistant, [new TextReasoningContent("hm") { ProtectedData = "sig" }, new FunctionCallContent("toolu_0", "t", new Dictionary<string, object?> { ["a"] = 1 })]),
    new(ChatRole.Tool, [new FunctionResultContent("toolu_0", "done")]),
];
var chatOptions = new ChatOptions
{
    Tools = [AIFunctionFactory.CreateDeclaration("t", "test", System.Text.Json.JsonElement.Parse("""{"type":"object"}"""))],
    ToolMode = ChatToolMode.RequireAny,
    Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low },
};
var updates = new List<ChatResponseUpdate>();
await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(history, chatOptions))
{
    updates.Add(update);
}

ChatResponse chatResponse = updates.ToChatResponse();
var call = chatResponse.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>().Single();
ok &= chatResponse.Text == "AOT works 🚀" && chatResponse.Usage?.OutputTokenCount == 9 && chatResponse.FinishReason == ChatFinishReason.ToolCalls
    && call.Arguments?["a"] is System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array }
    && chat.GetService<ChatClientMetadata>()?.ProviderName == "anthropic"
    && CannedHandler.LastBody.Contains("\"tool_result\"", StringComparison.Ordinal) && CannedHandler.LastBody.Contains("\"budget_tokens\":1024", StringComparison.Ordinal)
    && CannedHandler.LastBody.Contains("\"input\":{\"a\":1}", StringComparison.Ordinal);

Console.WriteLine(ok ? $"AOT smoke OK: {text} / {json.Length} bytes of JSON" : $"AOT smoke FAILED: {text} {json}");
return ok ? 0 : 1;

internal sealed class CannedHandler : HttpMessageHandler
{
    public const string Body =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_aot\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"AOT \"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"works 🚀\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"t\",\"input\":{}}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"[1,2]}\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"web_search_tool_result\",\"tool_use_id\":\"s\",\"content\":[]}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":2}\n\n" +
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    public const string FinalBody =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_aot2\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Done.\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    public static string LastBody { get; private set; } = "";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        LastBody = await request.Content!.ReadAsStringAsync(cancellationToken);
        // The tool run's second request (it answers the tool call) gets the final turn.
        string body = LastBody.Contains("\"model\":\"aot-tools\"", StringComparison.Ordinal) && LastBody.Contains("\"tool_result\"", StringComparison.Ordinal) ? FinalBody : Body;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "text/event-stream") };
    }
}

internal sealed record SumInput([property: System.ComponentModel.Description("The numbers to add.")] int[] A);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.SnakeCaseLower)]
[System.Text.Json.Serialization.JsonSerializable(typeof(SumInput))]
internal sealed partial class SmokeJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
