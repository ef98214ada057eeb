using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Item 7: the adapter driven through M.E.AI's own consumers (function invocation, OpenTelemetry, DI).</summary>
public sealed class MiddlewareTests
{
    [Description("Gets the current weather for a city.")]
    private static string GetWeather([Description("The city")] string city) => $"Sunny, 21°C in {city}";

    [Fact]
    public async Task UseFunctionInvocation_ToolLoop_SecondRequestCarriesToolUseAndToolResult()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create(messageId: "msg_turn1").Text("Let me check.").ToolUse("toolu_paris", "GetWeather", """{"city":"Paris"}""", fragmentLength: 3).Usage(20, 10).StopReason("tool_use"),
            FakeReply.Create(messageId: "msg_turn2").Text("It is sunny and 21°C in Paris.").Usage(50, 12));
        IChatClient withTools = new ChatClientBuilder(ChatClients.For(server)).UseFunctionInvocation().Build();

        ChatResponse response = await withTools.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Weather in Paris?")],
            new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather)] });

        Assert.Equal(2, server.Requests.Count);
        Assert.EndsWith("It is sunny and 21°C in Paris.", response.Text);
        Assert.Equal(70, response.Usage!.InputTokenCount);
        Assert.Equal(22, response.Usage.OutputTokenCount);

        JsonElement first = server.Requests[0].Json;
        Assert.Equal("GetWeather", first.GetProperty("tools")[0].GetProperty("name").GetString());

        JsonElement[] turns = [.. server.Requests[1].Json.GetProperty("messages").EnumerateArray()];
        Assert.Equal(["user", "assistant", "user"], turns.Select(t => t.GetProperty("role").GetString()));
        JsonElement toolUse = turns[1].GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Equal("toolu_paris", toolUse.GetProperty("id").GetString());
        Assert.Equal("GetWeather", toolUse.GetProperty("name").GetString());
        Assert.Equal("Paris", toolUse.GetProperty("input").GetProperty("city").GetString());
        JsonElement toolResult = Assert.Single(turns[2].GetProperty("content").EnumerateArray());
        Assert.Equal("tool_result", toolResult.GetProperty("type").GetString());
        Assert.Equal("toolu_paris", toolResult.GetProperty("tool_use_id").GetString());
        Assert.Contains("Sunny, 21°C in Paris", toolResult.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task UseFunctionInvocation_FailingTool_ToolResultIsError()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().ToolUse("toolu_x", "Explode", "{}").StopReason("tool_use"),
            FakeReply.CreateText("Sorry, that failed."));
        IChatClient withTools = new ChatClientBuilder(ChatClients.For(server)).UseFunctionInvocation().Build();

        await withTools.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Go")],
            new ChatOptions { Tools = [AIFunctionFactory.Create(string () => throw new InvalidOperationException("kaboom"), "Explode")] });

        JsonElement result = server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("toolu_x", result.GetProperty("tool_use_id").GetString());
        Assert.True(result.GetProperty("is_error").GetBoolean());
    }

    [Fact]
    public async Task UseFunctionInvocation_Thinking_RoundTripsIntoTheNextRequestWithItsSignature()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().Thinking("The user wants the weather, so I call the tool.", signature: "sig_roundtrip").ToolUse("toolu_t", "GetWeather", """{"city":"Oslo"}""").StopReason("tool_use"),
            FakeReply.CreateText("Sunny in Oslo."));
        IChatClient withTools = new ChatClientBuilder(ChatClients.For(server)).UseFunctionInvocation().Build();

        await withTools.GetResponseAsync(
            [new ChatMessage(ChatRole.User, "Weather in Oslo?")],
            new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather)], Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low } });

        JsonElement[] assistant = [.. server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content").EnumerateArray()];
        Assert.Equal(["thinking", "tool_use"], assistant.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("The user wants the weather, so I call the tool.", assistant[0].GetProperty("thinking").GetString());
        Assert.Equal("sig_roundtrip", assistant[0].GetProperty("signature").GetString());
        Assert.Equal(1024, server.Requests[1].Json.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Fact]
    public async Task History_RedactedThinkingAndServerBlocks_GoBackUnchanged()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().RedactedThinking("redacted_blob").Text("First."), FakeReply.CreateText("Second."));
        IChatClient chat = ChatClients.For(server);
        List<ChatMessage> history = [new(ChatRole.User, "One")];

        ChatResponse first = await chat.GetResponseAsync(history);
        history.AddMessages(first);
        history.Add(new ChatMessage(ChatRole.User, "Two"));
        await chat.GetResponseAsync(history);

        JsonElement[] assistant = [.. server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content").EnumerateArray()];
        Assert.Equal(["redacted_thinking", "text"], assistant.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("redacted_blob", assistant[0].GetProperty("data").GetString());
        Assert.Equal("First.", assistant[1].GetProperty("text").GetString());
    }

    [Fact]
    public async Task UseOpenTelemetry_Activity_HasProviderNameAnthropicAndUsage()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create(messageId: "msg_otel").Text("Traced.").Usage(input: 11, output: 7));
        string sourceName = $"ClaudeStreaming.Tests.{Guid.NewGuid():N}";
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == sourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity => { lock (activities) { activities.Add(activity); } },
        };
        ActivitySource.AddActivityListener(listener);
        IChatClient traced = new ChatClientBuilder(ChatClients.For(server)).UseOpenTelemetry(sourceName: sourceName).Build();

        await traced.GetResponseAsync(ChatClients.Hello());

        Activity activity = Assert.Single(activities);
        Assert.Equal("anthropic", activity.GetTagItem("gen_ai.provider.name"));
        Assert.Equal(ChatClients.Model, activity.GetTagItem("gen_ai.request.model"));
        Assert.Equal("msg_otel", activity.GetTagItem("gen_ai.response.id"));
        Assert.Equal(11L, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.input_tokens")));
        Assert.Equal(7L, Convert.ToInt64(activity.GetTagItem("gen_ai.usage.output_tokens")));
        Assert.Equal(server.BaseAddress.Host, activity.GetTagItem("server.address"));
        Assert.DoesNotContain(activity.TagObjects, t => t.Value?.ToString()?.Contains(ChatClients.ApiKey, StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task AddChatClient_FromDependencyInjection_RunsAToolLoop()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().ToolUse("toolu_di", "GetWeather", """{"city":"Rome"}""").StopReason("tool_use"),
            FakeReply.CreateText("Sunny in Rome."));
        var services = new ServiceCollection();

        // The app wiring, with the fake server's address.
        services.AddClaudeClient(o => { o.ApiKey = ChatClients.ApiKey; o.BaseAddress = server.BaseAddress; o.MaxRetries = 0; });
        services.AddChatClient(sp => sp.GetRequiredService<ClaudeClient>().AsIChatClient("claude-sonnet-4-6")).UseFunctionInvocation();
        await using ServiceProvider provider = services.BuildServiceProvider();

        IChatClient chat = provider.GetRequiredService<IChatClient>();
        ChatResponse response = await chat.GetResponseAsync([new ChatMessage(ChatRole.User, "Rome?")], new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather)] });

        Assert.Equal("Sunny in Rome.", response.Messages[^1].Text);
        Assert.Equal(2, server.Requests.Count);
        Assert.Equal("toolu_di", server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("tool_use_id").GetString());
        Assert.Equal("anthropic", chat.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task History_SerializedAndRestored_RedactedAndSignedThinkingStillGoBack()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().RedactedThinking("redacted_blob").Thinking("", signature: "sig_omitted").Text("First."), FakeReply.CreateText("Second."));
        IChatClient chat = ChatClients.For(server);
        ChatResponse first = await chat.GetResponseAsync(ChatClients.Hello());

        // A history kept in a store or a distributed cache loses RawRepresentation; the redacted mark survives.
        string json = JsonSerializer.Serialize(first.Messages, AIJsonUtilities.DefaultOptions);
        var restored = (List<ChatMessage>)JsonSerializer.Deserialize(json, AIJsonUtilities.DefaultOptions.GetTypeInfo(typeof(List<ChatMessage>)))!;
        Assert.All(restored.SelectMany(m => m.Contents), c => Assert.Null(c.RawRepresentation));
        await chat.GetResponseAsync([.. ChatClients.Hello(), .. restored, new ChatMessage(ChatRole.User, "Again")]);

        JsonElement[] assistant = [.. server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content").EnumerateArray()];
        Assert.Equal(["redacted_thinking", "thinking", "text"], assistant.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("redacted_blob", assistant[0].GetProperty("data").GetString());
        Assert.Equal("sig_omitted", assistant[1].GetProperty("signature").GetString());
        Assert.Equal("", assistant[1].GetProperty("thinking").GetString());
    }
}
