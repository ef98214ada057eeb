using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Samples.Tests;

/// <summary>Runs samples/QuickStart as the README does, as a child process.</summary>
public sealed class QuickStartTests
{
    [Fact]
    public async Task Run_WithoutApiKey_StreamsOfflineStoryThenUsage()
    {
        await using SampleProcess sample = SampleProcess.Start("QuickStart", ["Tell me a short story about space."]);

        int exitCode = await sample.WaitForExitAsync();

        string output = sample.Output;
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        string[] lines = output.Split('\n');
        Assert.StartsWith("ANTHROPIC_API_KEY is not set: streaming a canned reply (not Claude) from the offline fake Messages API at http://127.0.0.1:", lines[0]);
        // OfflineStory.Reply (samples/Shared): the canned story, non-ASCII included, arrives whole and in order.
        Assert.Contains("Once upon a time, in a small café by the harbour, a curious robot named Pixel", output);
        Assert.Contains("as far as 日本 to taste it", output);
        Assert.Contains("tiny paper rocket 🚀 folded", output);
        Assert.Contains("left a little happier than before.", output);
        Assert.Contains("Tokens: 24 input, 92 output. Stop reason: end_turn", output);
        Assert.Equal("", sample.Error);
    }

    [Fact]
    public async Task Run_WithoutArgument_UsesDefaultPrompt()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("A default answer.").Usage(input: 9, output: 3));
        await using SampleProcess sample = SampleProcess.Start("QuickStart", environment: UpstreamAt(server));

        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("Tell me a short story about space.", request.Json.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Run_WithApiKey_StreamsFromConfiguredApiWithPromptAndKey()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("Stars drift; a probe hums \"hello\" to nobody.").Usage(input: 17, output: 11));
        await using SampleProcess sample = SampleProcess.Start(
            "QuickStart", ["Write", "a haiku about Voyager."], environment: UpstreamAt(server));

        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.DoesNotContain("offline", sample.Output);
        Assert.Contains("Stars drift; a probe hums \"hello\" to nobody.", sample.Output);
        Assert.Contains("Tokens: 17 input, 11 output. Stop reason: end_turn", sample.Output);
        RecordedRequest request = Assert.Single(server.Requests);
        Assert.Equal("test-key", request.Headers["x-api-key"]);
        Assert.True(request.Json.GetProperty("stream").GetBoolean());
        Assert.Equal("Write a haiku about Voyager.", request.Json.GetProperty("messages")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }

    [Fact]
    public async Task Run_ApiError_PrintsReadableErrorAndExitsOne()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(401, "authentication_error", "invalid x-api-key", requestId: "req_quickstart"));
        await using SampleProcess sample = SampleProcess.Start("QuickStart", environment: UpstreamAt(server));

        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 1, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.Contains("invalid x-api-key", sample.Error);
        Assert.DoesNotContain("test-key", sample.Error + sample.Output);
    }

    internal static Dictionary<string, string?> UpstreamAt(FakeMessagesServer server) => new()
    {
        ["ANTHROPIC_API_KEY"] = "test-key",
        ["ANTHROPIC_BASE_URL"] = server.BaseAddress.ToString(),
    };
}
