using System.Text.Json;
using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Samples.Tests;

/// <summary>Runs samples/ToolUse as a child process: the offline multi-turn tool loop, and against a configured API.</summary>
public sealed class ToolUseTests
{
    [Fact]
    public async Task Run_WithoutApiKey_RunsMultiTurnToolLoopOffline()
    {
        await using SampleProcess sample = SampleProcess.Start("ToolUse");

        int exitCode = await sample.WaitForExitAsync();

        string output = sample.Output;
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        string[] lines = output.Split('\n');
        Assert.StartsWith("ANTHROPIC_API_KEY is not set: running the tool loop against the offline fake Messages API at http://127.0.0.1:", lines[0]);
        // The tools really ran: their results are computed by the sample, not scripted.
        string expected = string.Join('\n',
            "[turn 1] I'll look up the weather in both cities.",
            "  → get_weather {\"city\":\"Paris\"}",
            "  → get_weather {\"city\":\"Tokyo\"}",
            "  ← get_weather: Paris: 18 °C, sunny, light wind",
            "  ← get_weather: Tokyo: 24 °C, light rain",
            "",
            "[turn 2] Now Tokyo's temperature in Fahrenheit.",
            "  → convert_temperature {\"celsius\":24}",
            "  ← convert_temperature: 24 °C is 75.2 °F",
            "",
            "[turn 3] Paris is 18 °C and sunny with a light wind. Tokyo is 24 °C (75.2 °F) with light rain, so take an umbrella there.");
        Assert.Contains(expected, output.Replace("\r\n", "\n", StringComparison.Ordinal));
        Assert.Contains("Done in 3 turns with 3 tool results. Stop reason: end_turn", output);
        Assert.Equal("", sample.Error);
    }

    [Fact]
    public async Task Run_WithApiKey_SendsToolResultsToConfiguredApi()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().ToolUse("toolu_x", "get_weather", """{"city":"London"}""").StopReason("tool_use"),
            FakeReply.Create().Text("London is overcast."));
        await using SampleProcess sample = SampleProcess.Start("ToolUse", ["Weather in London?"], environment: QuickStartTests.UpstreamAt(server));

        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.DoesNotContain("offline", sample.Output);
        Assert.Contains("Done in 2 turns with 1 tool results. Stop reason: end_turn", sample.Output);
        Assert.Equal(2, server.Requests.Count);
        JsonElement tools = server.Requests[0].Json.GetProperty("tools");
        Assert.Equal(["get_weather", "convert_temperature"], tools.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal("object", tools[0].GetProperty("input_schema").GetProperty("type").GetString());
        JsonElement result = server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("toolu_x", result.GetProperty("tool_use_id").GetString());
        Assert.Equal("London: 14 °C, overcast", result.GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Run_ApiErrorOnSecondTurn_PrintsReadableErrorAndExitsOne()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().ToolUse("toolu_x", "get_weather", """{"city":"Paris"}""").StopReason("tool_use"),
            FakeReply.HttpError(400, "invalid_request_error", "messages.2: unexpected tool_use_id", requestId: "req_tooluse"));
        await using SampleProcess sample = SampleProcess.Start("ToolUse", environment: QuickStartTests.UpstreamAt(server));

        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 1, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.Contains("unexpected tool_use_id", sample.Error);
        Assert.DoesNotContain("test-key", sample.Error + sample.Output);
        Assert.Contains("  → get_weather {\"city\":\"Paris\"}", sample.Output);
        // The tool ran and its result went out with the request that failed.
        Assert.Equal("Paris: 18 °C, sunny, light wind",
            server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }
}
