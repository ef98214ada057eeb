using System.Text.Json;
using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Samples.Tests;

/// <summary>Drives samples/ChatConsole through redirected standard input, as a child process.</summary>
public sealed class ChatConsoleTests
{
    private const string MarkupLookingReply = "Write [red] to colour text, and [/] to end it; a lone [ is fine too.";

    [Fact]
    public async Task TwoTurnsThenQuit_KeepsHistoryPrintsBracketsLiterallyAndExitsZero()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().Text(MarkupLookingReply).Usage(input: 10, output: 17),
            FakeReply.Create().Text("Glad to help again.").Usage(input: 35, output: 5));
        await using SampleProcess sample = SampleProcess.Start("ChatConsole", environment: QuickStartTests.UpstreamAt(server));

        await sample.Input.WriteAsync("How do I colour text in Spectre?\nAnd thanks!\nquit\n");
        await sample.Input.FlushAsync();
        int exitCode = await sample.WaitForExitAsync();

        string output = sample.Output;
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.Contains("You:", output);
        Assert.Contains("Claude: " + MarkupLookingReply, output); // printed literally, never parsed as markup
        Assert.Contains("Claude: Glad to help again.", output);
        Assert.Contains("(10 input / 17 output tokens, first token after ", output);
        Assert.Contains("(35 input / 5 output tokens, first token after ", output);
        Assert.Contains("Bye.", output);
        Assert.DoesNotContain("\u001b[", output, StringComparison.Ordinal); // redirected: no ANSI escapes, no spinner frames
        Assert.DoesNotContain("thinking", output);

        Assert.Equal(2, server.Requests.Count);
        Assert.Equal(
            [("user", "How do I colour text in Spectre?"), ("assistant", MarkupLookingReply), ("user", "And thanks!")],
            Turns(server.Requests[1].Json));
    }

    [Fact]
    public async Task EndOfInput_EndsChatCleanly()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("Hello there."));
        await using SampleProcess sample = SampleProcess.Start("ChatConsole", environment: QuickStartTests.UpstreamAt(server));

        await sample.Input.WriteAsync("Hi\n");
        sample.Input.Close();
        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.Contains("Claude: Hello there.", sample.Output);
        Assert.Contains("Bye.", sample.Output);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task ApiError_IsShownAndTheFailedTurnLeavesTheHistory()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.HttpError(400, "invalid_request_error", "messages: [bad] input"),
            FakeReply.Create().Text("Second try worked."));
        await using SampleProcess sample = SampleProcess.Start("ChatConsole", environment: QuickStartTests.UpstreamAt(server));

        await sample.Input.WriteAsync("First\nSecond\nquit\n");
        await sample.Input.FlushAsync();
        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.Contains("messages: [bad] input", sample.Output); // an error message with brackets is not markup either
        Assert.Contains("Claude: Second try worked.", sample.Output);
        Assert.Equal([("user", "Second")], Turns(server.Requests[1].Json));
    }

    [Fact]
    public async Task CtrlC_InterruptsReplyKeepsWhatArrivedAndSecondCtrlCEndsChat()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        var gate = new DeltaGate();
        server.Enqueue(
            FakeReply.Create().TextDeltas("The ", "first ", "half ", "and ", "the ", "rest.").Gate(gate.WaitAsync),
            FakeReply.Create().Text("Sure, continuing."));
        await using SampleProcess sample = SampleProcess.Start("ChatConsole", environment: QuickStartTests.UpstreamAt(server));

        await sample.Input.WriteAsync("Tell me something\n");
        await sample.Input.FlushAsync();
        gate.ReleaseRange(0, 2);
        await sample.WaitForOutputAsync("Claude: The first half ");
        await gate.Reached(3);
        await sample.InterruptAsync(); // SIGINT, as Ctrl+C sends

        await sample.WaitForOutputAsync("interrupted");
        await server.Requests[0].Aborted.WaitAsync(TimeSpan.FromSeconds(30));
        await sample.Input.WriteAsync("Go on\n");
        await sample.Input.FlushAsync();
        await sample.WaitForOutputAsync("Claude: Sure, continuing.");
        await sample.WaitForOutputAsync(o => o.Contains("output tokens", StringComparison.Ordinal) && o.EndsWith("You: ", StringComparison.Ordinal));
        await sample.InterruptAsync(); // at the prompt: ends the chat
        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.Contains("Bye.", sample.Output);
        Assert.Equal(
            [("user", "Tell me something"), ("assistant", "The first half "), ("user", "Go on")],
            Turns(server.Requests[1].Json));
    }

    [Fact]
    public async Task WithoutApiKey_ChatsWithOfflineFake()
    {
        await using SampleProcess sample = SampleProcess.Start("ChatConsole");

        await sample.Input.WriteAsync("Tell me a story\nquit\n");
        await sample.Input.FlushAsync();
        int exitCode = await sample.WaitForExitAsync();

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.Describe()}");
        Assert.StartsWith("ANTHROPIC_API_KEY is not set: chatting with the offline fake Messages API at http://127.0.0.1:", sample.Output);
        Assert.Contains("a curious robot named Pixel", sample.Output);
        Assert.Contains("(24 input / 92 output tokens", sample.Output);
    }

    /// <summary>The request's messages as (role, joined text) pairs, whatever shape the content has.</summary>
    private static List<(string Role, string Text)> Turns(JsonElement request) =>
        [.. request.GetProperty("messages").EnumerateArray().Select(m =>
        {
            JsonElement content = m.GetProperty("content");
            string text = content.ValueKind == JsonValueKind.String
                ? content.GetString()!
                : string.Concat(content.EnumerateArray().Where(b => b.GetProperty("type").GetString() == "text").Select(b => b.GetProperty("text").GetString()));
            return (m.GetProperty("role").GetString()!, text);
        })];
}
