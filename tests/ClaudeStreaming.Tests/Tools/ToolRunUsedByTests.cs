using System.Text;
using System.Text.Json;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests.Tools;

/// <summary>The issue's "used by" code for the tool runner, exactly as written, against the fake API over loopback.</summary>
public sealed class ToolRunUsedByTests
{
    [Fact]
    public async Task UsedByCode_AgainstFakeServer_StreamsEveryTurnAndRunsTheTool()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().Text("Let me check the weather.").ToolUse("toolu_1", "get_weather", """{"city":"Paris"}""", fragmentLength: 4).StopReason("tool_use"),
            FakeReply.Create().Text("It is sunny in Paris today.").Usage(40, 9));
        var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress });
        MessageRequest request = TestClients.Request("What's the weather in Paris?");
        CancellationToken cancellationToken = CancellationToken.None;
        Console.Output.Clear();

        // ---- the issue's code, as written ----
        ClaudeTool weather = ClaudeTool.Create(
            "get_weather", "Gets the current weather for a city.",
            """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""",
            async (JsonElement input, CancellationToken ct) => $"Sunny in {input.GetProperty("city").GetString()}");

        // typed and AOT-safe: the input schema comes from the type's JsonTypeInfo (System.Text.Json's JsonSchemaExporter)
        ClaudeTool typed = ClaudeTool.Create("get_weather", "Gets the current weather for a city.",
            MyJsonContext.Default.WeatherQuery, async (WeatherQuery query, CancellationToken ct) => $"Sunny in {query.City}");

        await using ToolRun run = client.Messages.RunTools(request, [weather]);
        await foreach (MessageStream turn in run.WithCancellation(cancellationToken))   // one stream per model turn
        {
            await foreach (string text in turn.TextStream) Console.Write(text);
        }
        Message final = await run.GetFinalMessageAsync();          // the last turn's message
        IReadOnlyList<MessageParam> conversation = run.Messages;    // the request's messages, then every turn and tool result
        // ---- end of the issue's code ----

        Assert.Equal("Let me check the weather.It is sunny in Paris today.", Console.Output.ToString());
        Assert.Equal("It is sunny in Paris today.", final.GetText());
        Assert.Equal(StopReason.EndTurn, final.StopReason);
        Assert.Equal(2, run.TurnCount);
        Assert.True(run.IsCompleted);
        Assert.False(run.ReachedMaxTurns);
        Assert.Collection(conversation,
            m => Assert.Equal("What's the weather in Paris?", Assert.IsType<TextBlock>(Assert.Single(m.Content)).Text),
            m => Assert.Equal("toolu_1", Assert.IsType<ToolUseBlock>(m.Content[1]).Id),
            m => Assert.Equal("Sunny in Paris", Assert.IsType<TextBlock>(Assert.Single(Assert.IsType<ToolResultBlock>(Assert.Single(m.Content)).Content)).Text),
            m => Assert.Equal("It is sunny in Paris today.", Assert.IsType<TextBlock>(Assert.Single(m.Content)).Text));
        Assert.Equal(2, server.Requests.Count);
        JsonElement tools = server.Requests[0].Json.GetProperty("tools");
        Assert.Equal("get_weather", Assert.Single(tools.EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal("Sunny in Paris", (await typed.InvokeAsync(new ToolUseBlock { Id = "t", Name = "get_weather", Input = JsonElement.Parse("""{"city":"Paris"}""") })).Content[0] is TextBlock t ? t.Text : null);
    }

    /// <summary>Stands in for <see cref="System.Console"/> in the issue's code, so the test captures the output without global state.</summary>
    private static class Console
    {
        public static StringBuilder Output { get; } = new();

        public static void Write(string text) => Output.Append(text);
    }
}
