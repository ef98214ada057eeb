using System.Text.Json;
using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Samples.Tests;

/// <summary>Runs samples/ChatTools (a tool loop through Microsoft.Extensions.AI's UseFunctionInvocation) as a child process.</summary>
public sealed class ChatToolsTests
{
    [Fact]
    public async Task Run_WithoutApiKey_RunsTheToolLoopOffline()
    {
        await using SampleProcess sample = SampleProcess.Start("ChatTools");

        int exitCode = await sample.WaitForExitAsync();

        string output = sample.Output;
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.StartsWith("ANTHROPIC_API_KEY is not set: running the tool loop against the offline fake Messages API at http://127.0.0.1:", output);
        Assert.Contains("I'll check both cities.", output);
        Assert.Contains("[tool call toolu_paris] get_weather(city: Paris)", output);
        Assert.Contains("[tool call toolu_tokyo] get_weather(city: Tokyo)", output);
        Assert.Contains("[tool result toolu_paris] Sunny, 21°C", output);
        Assert.Contains("[tool result toolu_tokyo] Light rain, 16°C", output);
        Assert.Contains("Paris is sunny at 21°C, while Tokyo has light rain at 16°C.", output);
        Assert.Contains("Tokens: 712 input, 85 output.", output);
        Assert.Equal("", sample.Error);
    }

    [Fact]
    public async Task Run_WithApiKey_SendsTheToolResultsBackInTheSecondRequest()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().ToolUse("toolu_oslo", "get_weather", """{"city":"Oslo"}""").StopReason("tool_use"),
            FakeReply.Create().Text("Oslo has no station here.").Usage(input: 30, output: 6));
        await using SampleProcess sample = SampleProcess.Start("ChatTools", ["Weather", "in Oslo?"], environment: QuickStartTests.UpstreamAt(server));

        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.DoesNotContain("offline", sample.Output);
        Assert.Contains("Oslo has no station here.", sample.Output);
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("test-key", r.Headers["x-api-key"]));
        JsonElement first = server.Requests[0].Json;
        Assert.Equal("Weather in Oslo?", first.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal("get_weather", first.GetProperty("tools")[0].GetProperty("name").GetString());
        JsonElement result = server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("tool_result", result.GetProperty("type").GetString());
        Assert.Equal("toolu_oslo", result.GetProperty("tool_use_id").GetString());
        Assert.Equal("No weather station for Oslo", result.GetProperty("content")[0].GetProperty("text").GetString());
    }
}
