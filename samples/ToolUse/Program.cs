// ToolUse: a multi-turn tool loop, every turn streamed to the console. Claude calls the tools, the runner runs them
// (concurrently when Claude asks for several at once) and sends the results back until Claude has its answer.
//
//   dotnet run --project samples/ToolUse -- "What's the weather in Paris and Tokyo, in Fahrenheit for Tokyo?"
//
// With ANTHROPIC_API_KEY set this calls the Messages API; without it, it runs against a local fake API that plays
// a scripted three-turn conversation (the tools themselves really run).
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using ClaudeStreaming;
using ClaudeStreaming.Testing;

Console.OutputEncoding = Encoding.UTF8;
string prompt = args.Length > 0 ? string.Join(' ', args) : "What's the weather in Paris and Tokyo? Give Tokyo's temperature in Fahrenheit too.";
string model = Environment.GetEnvironmentVariable("ANTHROPIC_MODEL") is { Length: > 0 } m ? m : "claude-sonnet-4-5";

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true; // stop the run and end normally instead of killing the process
    cancellation.Cancel();
};

// No key: the fake Messages API on 127.0.0.1 plays the model's side of the conversation.
await using FakeMessagesServer? offline = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
    ? await FakeMessagesServer.StartAsync()
    : null;
ClaudeClientOptions options = new();
if (offline is not null)
{
    offline.Enqueue(OfflineScript.Turns());
    options = new ClaudeClientOptions { ApiKey = "offline", BaseAddress = offline.BaseAddress };
    Console.WriteLine($"ANTHROPIC_API_KEY is not set: running the tool loop against the offline fake Messages API at {offline.BaseAddress}");
}

// A typed tool: the input schema is generated from WeatherQuery's source-generated metadata (AOT-safe).
ClaudeTool weather = ClaudeTool.Create(
    "get_weather", "Gets the current weather for a city.", SampleJsonContext.Default.WeatherQuery,
    async (WeatherQuery query, CancellationToken ct) =>
    {
        await Task.Delay(50, ct); // a pretend network call
        return Forecasts.For(query.City);
    });

// A tool with a hand-written schema that reads the raw JSON input.
ClaudeTool convert = ClaudeTool.Create(
    "convert_temperature", "Converts a temperature from Celsius to Fahrenheit.",
    """{"type":"object","properties":{"celsius":{"type":"number"}},"required":["celsius"]}""",
    async (JsonElement input, CancellationToken ct) =>
    {
        double celsius = input.GetProperty("celsius").GetDouble();
        await Task.Yield();
        return string.Create(CultureInfo.InvariantCulture, $"{celsius} °C is {(celsius * 9 / 5) + 32:0.#} °F");
    });

using var client = new ClaudeClient(options);
var request = new MessageRequest
{
    Model = model,
    MaxTokens = 1024,
    Messages = [MessageParam.User(prompt)],
};
Console.WriteLine($"You: {prompt}");

try
{
    await using ToolRun run = client.Messages.RunTools(request, [weather, convert], new ToolRunOptions { MaxTurns = 8 });
    var toolNames = new Dictionary<string, string>();
    int results = 0;
    await foreach (MessageStream turn in run.WithCancellation(cancellation.Token))
    {
        // The tool results the runner sent with this request (none before the first turn).
        if (run.Messages[^1].Content.OfType<ToolResultBlock>().ToList() is { Count: > 0 } sent)
        {
            foreach (ToolResultBlock result in sent)
            {
                string text = string.Concat(result.Content.OfType<TextBlock>().Select(b => b.Text));
                Console.WriteLine($"  ← {toolNames[result.ToolUseId]}{(result.IsError == true ? " (error)" : "")}: {text}");
                results++;
            }
        }

        Console.Write($"\n[turn {run.TurnCount}] ");
        await foreach (string text in turn.TextStream.WithCancellation(cancellation.Token))
        {
            Console.Write(text);
        }

        Console.WriteLine();
        Message message = await turn.GetFinalMessageAsync(cancellation.Token);
        foreach (ToolUseBlock call in message.Content.OfType<ToolUseBlock>())
        {
            toolNames[call.Id] = call.Name;
            Console.WriteLine($"  → {call.Name} {call.Input.GetRawText()}");
        }
    }

    Message final = await run.GetFinalMessageAsync(cancellation.Token);
    Console.WriteLine();
    Console.WriteLine(run.ReachedMaxTurns
        ? $"Stopped at the limit of {run.TurnCount} turns."
        : $"Done in {run.TurnCount} turns with {results} tool results. Stop reason: {final.StopReason}");
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

/// <summary>The input of <c>get_weather</c>.</summary>
internal sealed record WeatherQuery
{
    /// <summary>The city, for example Paris.</summary>
    public required string City { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(WeatherQuery))]
internal sealed partial class SampleJsonContext : JsonSerializerContext;

/// <summary>Made-up weather, so the sample gives the same answers everywhere.</summary>
internal static class Forecasts
{
    public static string For(string city) => city.ToUpperInvariant() switch
    {
        "PARIS" => "Paris: 18 °C, sunny, light wind",
        "TOKYO" => "Tokyo: 24 °C, light rain",
        "LONDON" => "London: 14 °C, overcast",
        _ => $"{city}: 20 °C, clear skies",
    };
}

/// <summary>The model's side of the offline conversation: two tool turns, then the answer.</summary>
internal static class OfflineScript
{
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(15);

    public static FakeReply[] Turns() =>
    [
        FakeReply.Create().Text("I'll look up the weather in both cities.").Pace(Pace)
            .ToolUse("toolu_01", "get_weather", """{"city":"Paris"}""")
            .ToolUse("toolu_02", "get_weather", """{"city":"Tokyo"}""")
            .StopReason("tool_use").Usage(input: 412, output: 96),
        FakeReply.Create().Text("Now Tokyo's temperature in Fahrenheit.").Pace(Pace)
            .ToolUse("toolu_03", "convert_temperature", """{"celsius":24}""")
            .StopReason("tool_use").Usage(input: 561, output: 58),
        FakeReply.Create()
            .Text("Paris is 18 °C and sunny with a light wind. Tokyo is 24 °C (75.2 °F) with light rain, so take an umbrella there.").Pace(Pace)
            .Usage(input: 640, output: 41),
    ];
}
