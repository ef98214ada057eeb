// ChatTools: a tool loop through Microsoft.Extensions.AI. Claude asks for the weather, UseFunctionInvocation runs
// GetWeather and sends the result back, and the answer streams to the console.
//
//   dotnet run --project samples/ChatTools -- "What's the weather in Paris and in Tokyo?"
//
// With ANTHROPIC_API_KEY set this calls the Messages API; without it, it runs offline against a local fake API.
using System.ComponentModel;
using System.Text;
using ClaudeStreaming;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

Console.OutputEncoding = Encoding.UTF8;
string prompt = args.Length > 0 ? string.Join(' ', args) : "What's the weather in Paris and in Tokyo?";
string model = Environment.GetEnvironmentVariable("ANTHROPIC_MODEL") is { Length: > 0 } m ? m : "claude-sonnet-4-6";

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop the reply and end normally instead of killing the process
    cancellation.Cancel();
};

// No key: the fake Messages API on 127.0.0.1 scripts both turns of the loop (two tool calls, then the answer).
await using FakeMessagesServer? offline = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    ? await FakeMessagesServer.StartAsync()
    : null;
ClaudeClientOptions options = new();
if (offline is not null)
{
    offline.Enqueue(
        FakeReply.Create()
            .Text("I'll check both cities.")
            .ToolUse("toolu_paris", "get_weather", """{"city":"Paris"}""")
            .ToolUse("toolu_tokyo", "get_weather", """{"city":"Tokyo"}""")
            .Usage(input: 310, output: 64)
            .StopReason("tool_use"),
        FakeReply.Create()
            .Text("Paris is sunny at 21°C, while Tokyo has light rain at 16°C.")
            .Usage(input: 402, output: 21));
    options = new ClaudeClientOptions { ApiKey = "offline", BaseAddress = offline.BaseAddress };
    Console.WriteLine($"ANTHROPIC_API_KEY is not set: running the tool loop against the offline fake Messages API at {offline.BaseAddress} (scripted replies, not Claude)");
}

using var claude = new ClaudeClient(options);
IChatClient chat = new ChatClientBuilder(claude.AsIChatClient(model))
    .UseFunctionInvocation()
    .Build();
var chatOptions = new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather, "get_weather")] };
List<ChatMessage> history = [new(ChatRole.User, prompt)];

try
{
    long input = 0, output = 0;
    bool midLine = false;
    await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(history, chatOptions, cancellation.Token))
    {
        foreach (AIContent content in update.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    Console.Write(text.Text);
                    midLine |= text.Text.Length > 0;
                    break;
                case FunctionCallContent call:
                    if (midLine)
                    {
                        Console.WriteLine();
                        midLine = false;
                    }

                    Console.WriteLine($"[tool call {call.CallId}] {call.Name}({string.Join(", ", call.Arguments?.Select(a => $"{a.Key}: {a.Value}") ?? [])})");
                    break;
                case FunctionResultContent result:
                    Console.WriteLine($"[tool result {result.CallId}] {result.Result}");
                    break;
                case UsageContent usage:
                    // One UsageContent per model call, so adding them gives the loop's total.
                    input += usage.Details.InputTokenCount ?? 0;
                    output += usage.Details.OutputTokenCount ?? 0;
                    break;
            }
        }
    }

    Console.WriteLine();
    Console.WriteLine();
    Console.WriteLine($"Tokens: {input} input, {output} output.");
    return 0;
}
catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
{
    Console.WriteLine();
    Console.WriteLine("Cancelled.");
    return 130;
}
catch (ClaudeException exception)
{
    Console.WriteLine();
    Console.Error.WriteLine(exception.Message);
    return 1;
}

[Description("Gets the current weather for a city.")]
static string GetWeather([Description("The city, for example Paris")] string city) => city switch
{
    "Paris" => "Sunny, 21°C",
    "Tokyo" => "Light rain, 16°C",
    _ => $"No weather station for {city}",
};
