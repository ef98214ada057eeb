using System.Text;
using System.Text.Json;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>
/// The official SDK's M.E.AI streams (<c>../shared/fixtures/anthropic-sdk-csharp/meai-*.sse</c>), replayed byte for byte
/// over Kestrel; each test checks the expectation its fixture README gives.
/// </summary>
public sealed class SdkFixtureTests
{
    [SkippableTheory]
    [MemberData(nameof(AllFixtures))]
    public async Task GetStreamingResponseAsync_EveryFixture_StreamsWithUsageExactlyOnce(string file)
    {
        SharedFixtures.SkipIfAbsent();
        byte[] body = SharedFixtures.Meai(file["meai-GetStreamingResponseAsync_".Length..^".sse".Length]);
        await using var server = await FakeMessagesServer.StartAsync();

        List<ChatResponseUpdate> updates = await ChatClients.ReplayAsync(server, body);

        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
        Assert.NotNull(updates.ToChatResponse().FinishReason);
    }

    public static IEnumerable<object[]> AllFixtures() =>
        SharedFixtures.AllMeai().Where(f => ((string)f[0]).StartsWith("meai-GetStreamingResponseAsync_", StringComparison.Ordinal) || ((string)f[0]).StartsWith('('));

    [SkippableFact]
    public async Task BasicTextCompletion_TextAndUsage()
    {
        ChatResponse response = await ReplayAsync("BasicTextCompletion");

        Assert.Contains("Hello", response.Text);
        Assert.Contains("world", response.Text);
        Assert.True(response.Usage!.TotalTokenCount > 0);
    }

    [SkippableFact]
    public async Task WithToolCallInputDelta_ArgumentsParsed()
    {
        FunctionCallContent call = Assert.Single(Calls(await ReplayAsync("WithToolCallInputDelta")));

        Assert.Equal("test_tool", call.Name);
        Assert.Equal("value", Arg(call, "arg").GetString());
    }

    [SkippableFact]
    public async Task WithParameterlessToolCall_EmptyArguments()
    {
        FunctionCallContent call = Assert.Single(Calls(await ReplayAsync("WithParameterlessToolCall")));

        Assert.Equal("get_time", call.Name);
        Assert.Equal("toolu_stream_paramless_1", call.CallId);
        Assert.Empty(call.Arguments!);
    }

    [SkippableFact]
    public async Task WithMultipleToolCalls_DoesNotDuplicateFunctionCalls()
    {
        List<FunctionCallContent> calls = Calls(await ReplayAsync("WithMultipleToolCalls_DoesNotDuplicateFunctionCalls"));

        Assert.Equal(3, calls.Count);
        Assert.Equal(["a", "b", "c"], calls.Select(c => Arg(c, "arg").GetString()));
    }

    [SkippableFact]
    public async Task WithInterleavedToolCallDeltas_CallsStayApart()
    {
        List<FunctionCallContent> calls = Calls(await ReplayAsync("WithInterleavedToolCallDeltas"));

        Assert.Equal(["tool_alpha", "tool_beta", "tool_gamma"], calls.Select(c => c.Name));
        Assert.Equal("San Francisco", Arg(calls[0], "city").GetString());
        Assert.Equal("weather forecast", Arg(calls[1], "query").GetString());
        Assert.Equal(123, Arg(calls[2], "id").GetInt32());
        Assert.True(Arg(calls[2], "active").GetBoolean());
    }

    [SkippableFact]
    public async Task WithManyToolCallsAndFragmentedArguments_AllFiveComplete()
    {
        List<FunctionCallContent> calls = Calls(await ReplayAsync("WithManyToolCallsAndFragmentedArguments"));

        Assert.Equal(5, calls.Count);
        for (int i = 0; i < 5; i++)
        {
            char x = (char)('a' + i);
            Assert.Equal($"tool_{x}", calls[i].Name);
            Assert.Equal($"toolu_{i + 1}", calls[i].CallId);
            Assert.Equal($"tool_{x}_value", Arg(calls[i], "name").GetString());
            Assert.Equal(i + 1, Arg(calls[i], "count").GetInt32());
            Assert.Contains($"This is tool {x}", Arg(calls[i], "description").GetString());
        }
    }

    [SkippableTheory]
    [InlineData("WithServerToolUseInputDelta_PopulatesCodeInterpreterToolCallContent", "echo hello")]
    [InlineData("WithServerToolUseInputDelta_CodeExecution_PopulatesCodeInterpreterToolCallContent", "print(2**10)")]
    [InlineData("WithServerToolUseInputDelta_TextEditorCodeExecution_PopulatesCodeInterpreterToolCallContent", "create")]
    [InlineData("WithServerToolUseInputDelta_InitialInputPopulated_UsesAccumulatedArguments", "ls -la")]
    public async Task ServerCodeTool_MapsToCodeInterpreterCallWithItsInput(string fixture, string expected)
    {
        ChatResponse response = await ReplayAsync(fixture);

        CodeInterpreterToolCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<CodeInterpreterToolCallContent>());
        DataContent input = Assert.IsType<DataContent>(Assert.Single(call.Inputs!));
        Assert.Contains(expected, Encoding.UTF8.GetString(input.Data.Span));
        Assert.IsType<ServerToolUseBlock>(call.RawRepresentation);
        Assert.Empty(Calls(response));
    }

    [SkippableFact]
    public async Task WithServerToolUseInputDelta_WebSearch_MapsToWebSearchCall()
    {
        ChatResponse response = await ReplayAsync("WithServerToolUseInputDelta_WebSearch_PopulatesWebSearchToolCallContent");

        WebSearchToolCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<WebSearchToolCallContent>());
        Assert.Equal(["latest AI news"], call.Queries!);
    }

    [SkippableFact]
    public async Task WithServerToolUseInputDelta_UnknownName_MapsToToolCallContent()
    {
        ChatResponse response = await ReplayAsync("WithServerToolUseInputDelta_UnknownName_MapsToToolCallContent");

        ToolCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<ToolCallContent>());
        Assert.Equal("srvtoolu_unknown_stream_01", call.CallId);
        Assert.Equal("tool_search_tool_regex", Assert.IsType<ServerToolUseBlock>(call.RawRepresentation).Name);
        Assert.Empty(Calls(response));
    }

    [SkippableFact]
    public async Task WithServerToolResultInContentBlockStart_MapsToWebSearchResult()
    {
        ChatResponse response = await ReplayAsync("WithServerToolResultInContentBlockStart");

        WebSearchToolResultContent result = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<WebSearchToolResultContent>());
        Assert.Equal("srvtoolu_ws_stream_01", result.CallId);
        UriContent uri = Assert.IsType<UriContent>(Assert.Single(result.Outputs!));
        Assert.Equal(new Uri("https://example.com/stream"), uri.Uri);
        Assert.Equal("web_search_tool_result", Assert.IsType<UnknownContentBlock>(result.RawRepresentation).Type);
    }

    [SkippableFact]
    public async Task ContainerUploadBlock_MapsToHostedFileContent()
    {
        ChatResponse response = await ReplayAsync("ContainerUploadBlock_MapsToHostedFileContent");

        HostedFileContent file = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<HostedFileContent>());
        Assert.Equal("file_stream_container_01", file.FileId);
    }

    [SkippableFact]
    public async Task CitationsDelta_MapsToAnnotation()
    {
        ChatResponse response = await ReplayAsync("CitationsDelta_MapsToAnnotation");

        CitationAnnotation citation = Assert.Single(response.Messages.SelectMany(m => m.Contents).SelectMany(c => c.Annotations ?? []).OfType<CitationAnnotation>());
        Assert.Equal("Eiffel Tower Facts", citation.Title);
        Assert.Equal("330 meters tall", citation.Snippet);
        Assert.Equal(new Uri("https://example.com/eiffel"), citation.Url);
        Assert.Equal("The Eiffel Tower is 330m tall.", response.Text);
    }

    [SkippableTheory]
    [InlineData("WithThinkingBlockInStream")]
    [InlineData("WithSignatureDeltaInStream")]
    public async Task ThinkingFixtures_ReasoningWithSignature(string fixture)
    {
        ChatResponse response = await ReplayAsync(fixture);

        TextReasoningContent reasoning = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>());
        Assert.NotEmpty(reasoning.Text);
        Assert.False(string.IsNullOrEmpty(reasoning.ProtectedData));
    }

    [SkippableFact]
    public async Task WithThinkingBlockMissingInitialSignature_SignatureFromDelta()
    {
        ChatResponse response = await ReplayAsync("WithThinkingBlockMissingInitialSignature_DoesNotThrow");

        TextReasoningContent reasoning = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>());
        Assert.Equal("Let me analyze this...", reasoning.Text);
        Assert.Equal("sig_456", reasoning.ProtectedData);
        Assert.Equal("Based on my analysis", response.Text);
    }

    [SkippableFact]
    public async Task WithRedactedThinkingBlockInStream_EmptyTextDataInProtectedData()
    {
        ChatResponse response = await ReplayAsync("WithRedactedThinkingBlockInStream");

        TextReasoningContent reasoning = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<TextReasoningContent>());
        Assert.Equal("", reasoning.Text);
        Assert.Equal("encrypted_xyz", reasoning.ProtectedData);
        Assert.Equal("Response", response.Text);
    }

    [SkippableFact]
    public async Task AccumulatesUsageFromMultipleMessageStartEvents_LatestCountsOnce()
    {
        UsageDetails usage = (await ReplayAsync("AccumulatesUsageFromMultipleMessageStartEvents")).Usage!;

        Assert.Equal(15, usage.InputTokenCount);
        Assert.Equal(2, usage.OutputTokenCount);
    }

    [SkippableFact]
    public async Task UsageFromDeltaOverridesStartEvent_DeltaWins()
    {
        UsageDetails usage = (await ReplayAsync("UsageFromDeltaOverridesStartEvent")).Usage!;

        Assert.Equal(8, usage.InputTokenCount);
        Assert.Equal(12, usage.OutputTokenCount);
        Assert.Equal(20, usage.TotalTokenCount);
        Assert.Equal(0, usage.CachedInputTokenCount);
    }

    private static async Task<ChatResponse> ReplayAsync(string fixture)
    {
        byte[] body = SharedFixtures.Meai(fixture);
        await using var server = await FakeMessagesServer.StartAsync();
        return (await ChatClients.ReplayAsync(server, body)).ToChatResponse();
    }

    private static List<FunctionCallContent> Calls(ChatResponse response) =>
        [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];

    private static JsonElement Arg(FunctionCallContent call, string name) => Assert.IsType<JsonElement>(call.Arguments![name]);
}
