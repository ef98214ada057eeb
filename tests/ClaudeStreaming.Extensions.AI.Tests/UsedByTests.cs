using System.ComponentModel;
using System.Text.Json;
using ClaudeStreaming;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Runs alone: it points the environment (<c>ANTHROPIC_BASE_URL</c>) and the console at the test for a moment.</summary>
[CollectionDefinition(nameof(ProcessWideState), DisableParallelization = true)]
public sealed class ProcessWideState;

/// <summary>The "used by" code, compiled and run as written against the fake server.</summary>
[Collection(nameof(ProcessWideState))]
public sealed class UsedByTests
{
    [Description("Gets the current weather for a city.")]
    private static string GetWeather(string city) => $"Sunny, 21°C in {city}";

    [Fact]
    public async Task UsedByCode_AsWritten_StreamsThenRunsAToolLoop()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().TextDeltas("Hello", " from", " Claude."),
            FakeReply.Create().ToolUse("toolu_used_by", "GetWeather", """{"city":"Paris"}""").StopReason("tool_use"),
            FakeReply.CreateText("It is sunny in Paris."));
        string key = ChatClients.ApiKey;
        List<ChatMessage> history = [new(ChatRole.User, "What's the weather in Paris?")];
        ChatOptions? options = null;
        CancellationToken cancellationToken = CancellationToken.None;
        var console = new StringWriter();
        TextWriter originalOut = Console.Out;
        string? originalBaseUrl = Environment.GetEnvironmentVariable("ANTHROPIC_BASE_URL");
        Environment.SetEnvironmentVariable("ANTHROPIC_BASE_URL", server.BaseAddress.ToString());
        Console.SetOut(console);
        try
        {
            // ---- as written in the issue ----
            ClaudeClient client = new(new ClaudeClientOptions { ApiKey = key });
            IChatClient chat = client.AsIChatClient("claude-sonnet-4-6");      // from the ClaudeStreaming.Extensions.AI package

            await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(history, options, cancellationToken))
                Console.Write(update.Text);

            IChatClient withTools = new ChatClientBuilder(chat).UseFunctionInvocation().UseOpenTelemetry().Build();
            ChatResponse response = await withTools.GetResponseAsync(history, new ChatOptions { Tools = [AIFunctionFactory.Create(GetWeather)] });
            // ---- end ----

            Assert.Equal("It is sunny in Paris.", response.Messages[^1].Text);
        }
        finally
        {
            Console.SetOut(originalOut);
            Environment.SetEnvironmentVariable("ANTHROPIC_BASE_URL", originalBaseUrl);
        }

        Assert.Equal("Hello from Claude.", console.ToString());
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("claude-sonnet-4-6", server.Requests[0].Json.GetProperty("model").GetString());
        JsonElement[] turns = [.. server.Requests[2].Json.GetProperty("messages").EnumerateArray()];
        Assert.Equal("tool_use", turns[1].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("tool_result", turns[2].GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal("toolu_used_by", turns[2].GetProperty("content")[0].GetProperty("tool_use_id").GetString());
    }
}
