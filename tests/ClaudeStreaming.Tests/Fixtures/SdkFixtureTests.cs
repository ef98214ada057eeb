using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeStreaming.Tests.Fixtures;

/// <summary>
/// The streams from the official Python and C# SDKs' test suites (<c>../shared/fixtures/anthropic-sdk-*</c>), with the
/// expectations listed in <c>../shared/fixtures/README.md</c>, replayed over real loopback sockets.
/// </summary>
public sealed class SdkFixtureTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Py = "anthropic-sdk-python/";
    private const string Cs = "anthropic-sdk-csharp/";
    private const string Meai = Cs + "meai-GetStreamingResponseAsync_";

    private Task<StreamRun> RunAsync(string relative, bool appendBlankLine = false, string chunking = "random1", ReadMode mode = ReadMode.Events)
    {
        byte[] body = FixtureSupport.ReadShared(relative);
        if (appendBlankLine)
        {
            body = FixtureSupport.WithFinalBlankLine(body);
        }

        return FixtureSupport.RunAsync(fixture.Server, body, chunking, mode);
    }

    private static string[] Types(StreamRun run) => run.Events.Select(e => e.Type).ToArray();

    private static void AssertJson(string expectedJson, JsonElement actual, string what) => FixtureSupport.AssertJsonEqual(expectedJson, actual, what);

    private static JsonObject MessageJson(Message message) => JsonNode.Parse(message.ToJson())!.AsObject();

    // ---------------------------------------------------------------- Python SDK: tests/lib/streaming/fixtures

    [SkippableTheory]
    [MemberData(nameof(Chunkings.All), MemberType = typeof(Chunkings))]
    public async Task BasicResponse_AsRecordedWithoutFinalBlankLine_ThrowsEndedEarlyWithPartialText(string chunking)
    {
        StreamRun run = await RunAsync(Py + "basic_response.txt", chunking: chunking);

        ClaudeStreamException ex = run.ErrorOrFail<ClaudeStreamException>();
        Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
        Assert.NotNull(ex.PartialMessage);
        Assert.Equal("Hello there!", ex.PartialMessage!.GetText());
        Assert.Equal(StopReason.EndTurn, ex.PartialMessage.StopReason);
        Assert.Equal(6, ex.PartialMessage.Usage.OutputTokens);
        Assert.Equal(8, ex.EventNumber);
        // The events the Python test lists, without the never-dispatched message_stop.
        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta"],
            Types(run));
    }

    [SkippableFact]
    public async Task BasicResponse_AsRecordedReadThroughTextStream_YieldsAllTextThenThrowsEndedEarly()
    {
        StreamRun run = await RunAsync(Py + "basic_response.txt", chunking: "bytewise", mode: ReadMode.Text);

        ClaudeStreamException ex = run.ErrorOrFail<ClaudeStreamException>();
        Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
        Assert.Equal(["Hello", " there", "!"], run.TextPieces);
        Assert.Equal("Hello there!", ex.PartialMessage?.GetText());
    }

    [SkippableTheory]
    [MemberData(nameof(Chunkings.All), MemberType = typeof(Chunkings))]
    public async Task BasicResponse_WithFinalBlankLine_CompletesWithReadmeValues(string chunking)
    {
        StreamRun run = await RunAsync(Py + "basic_response.txt", appendBlankLine: true, chunking: chunking);

        Message final = run.FinalOrFail();
        Assert.Equal("msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK", final.Id);
        Assert.Equal("claude-3-opus-latest", final.Model);
        Assert.Equal(MessageRole.Assistant, final.Role);
        Assert.Equal(StopReason.EndTurn, final.StopReason);
        Assert.Null(final.StopSequence);
        TextBlock text = Assert.IsType<TextBlock>(Assert.Single(final.Content));
        Assert.Equal("Hello there!", text.Text);
        Assert.Equal(11, final.Usage.InputTokens);
        Assert.Equal(6, final.Usage.OutputTokens);
        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            Types(run));
        Assert.Equal(["Hello", " there", "!"], run.Events.OfType<ContentBlockDeltaEvent>().Select(d => Assert.IsType<TextDelta>(d.Delta).Text));
    }

    [SkippableTheory]
    [MemberData(nameof(Chunkings.All), MemberType = typeof(Chunkings))]
    public async Task ToolUseResponse_WithFinalBlankLine_ReturnsTextAndToolCall(string chunking)
    {
        StreamRun run = await RunAsync(Py + "tool_use_response.txt", appendBlankLine: true, chunking: chunking);

        Message final = run.FinalOrFail();
        Assert.Equal("msg_019Q1hrJbZG26Fb9BQhrkHEr", final.Id);
        Assert.Equal("claude-sonnet-4-20250514", final.Model);
        Assert.Equal(StopReason.ToolUse, final.StopReason);
        Assert.Equal(2, final.Content.Count);
        Assert.Equal("I'll check the current weather in Paris for you.", Assert.IsType<TextBlock>(final.Content[0]).Text);
        ToolUseBlock tool = Assert.IsType<ToolUseBlock>(final.Content[1]);
        Assert.Equal("toolu_01NRLabsLyVHZPKxbKvkfSMn", tool.Id);
        Assert.Equal("get_weather", tool.Name);
        Assert.True(tool.IsInputComplete);
        AssertJson("""{"location":"Paris"}""", tool.Input, "tool input");
        Assert.Equal("direct", (string?)JsonNode.Parse(FixtureSupport.BlockJson(tool))!["caller"]!["type"]);

        Assert.Equal(377, final.Usage.InputTokens);
        Assert.Equal(65, final.Usage.OutputTokens);
        Assert.Equal(0, final.Usage.CacheCreationInputTokens);
        Assert.Equal(0, final.Usage.CacheReadInputTokens);
        Assert.Equal("standard", final.Usage.ServiceTier);
        Assert.Null(final.Usage.ServerToolUse);

        // One input_json event per delta, the empty first one included.
        Assert.Equal(
            ["", "{\"locati", "on\": \"P", "ar", "is\"}"],
            run.Events.OfType<ContentBlockDeltaEvent>().Where(d => d.Index == 1).Select(d => Assert.IsType<InputJsonDelta>(d.Delta).PartialJson));
        Assert.Equal(2, run.Events.OfType<ContentBlockDeltaEvent>().Count(d => d.Index == 0));
    }

    [SkippableTheory]
    [MemberData(nameof(Chunkings.All), MemberType = typeof(Chunkings))]
    public async Task IncompletePartialJson_WithFinalBlankLine_KeepsCompleteMembersAndFlagsInputIncomplete(string chunking)
    {
        StreamRun run = await RunAsync(Py + "incomplete_partial_json_response.txt", appendBlankLine: true, chunking: chunking);

        Message final = run.FinalOrFail();
        Assert.Equal(StopReason.MaxTokens, final.StopReason);
        Assert.Equal(2, final.Content.Count);
        Assert.Equal(
            "I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called taxes.txt. Let me do that for you now.",
            Assert.IsType<TextBlock>(final.Content[0]).Text);
        ToolUseBlock tool = Assert.IsType<ToolUseBlock>(final.Content[1]);
        Assert.Equal("toolu_01EKqbqmZrGRXy18eN7m9kvY", tool.Id);
        Assert.Equal("make_file", tool.Name);
        Assert.False(tool.IsInputComplete);
        AssertJson(
            """{"filename":"taxes.txt","lines_of_text":["# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s","","## INTRODUCTION",""]}""",
            tool.Input,
            "lenient tool input");
        Assert.Equal(450, final.Usage.InputTokens);
        Assert.Equal(124, final.Usage.OutputTokens);

        // Block 1 was never stopped: one content_block_stop only, and the events end with message_delta, message_stop.
        Assert.Single(run.Events.OfType<ContentBlockStopEvent>());
        Assert.Equal(4, run.Events.OfType<ContentBlockDeltaEvent>().Count(d => d.Delta is InputJsonDelta));
        Assert.Equal(["message_delta", "message_stop"], Types(run)[^2..]);
    }

    [SkippableFact]
    public async Task RefusalResponse_WithFinalBlankLine_StopsWithRefusalAndKeepsStopDetails()
    {
        StreamRun run = await RunAsync(Py + "refusal_response.txt", appendBlankLine: true);

        Message final = run.FinalOrFail();
        Assert.Equal("msg_01RefusalTestMessage123456789", final.Id);
        Assert.Equal(StopReason.Refusal, final.StopReason);
        Assert.Equal("", Assert.IsType<TextBlock>(Assert.Single(final.Content)).Text);
        Assert.Equal(0, final.Usage.OutputTokens);
        Assert.NotNull(final.AdditionalProperties);
        Assert.True(final.AdditionalProperties!.TryGetValue("stop_details", out JsonElement details));
        AssertJson("""{"type":"refusal","category":"cyber","explanation":"This request was refused due to policy."}""", details, "stop_details");
        FixtureSupport.AssertJsonEqual(FixtureSupport.Node(details), MessageJson(final)["stop_details"], "stop_details in ToJson");
    }

    [SkippableFact]
    public async Task CompactionResponse_WithFinalBlankLine_KeepsUnknownBlockAndDeltaWithoutFailing()
    {
        StreamRun run = await RunAsync(Py + "compaction_response.txt", appendBlankLine: true);

        Message final = run.FinalOrFail();
        Assert.Equal(2, final.Content.Count);
        UnknownContentBlock compaction = Assert.IsType<UnknownContentBlock>(final.Content[0]);
        Assert.Equal("compaction", compaction.Type);
        AssertJson("""{"type":"compaction","content":null,"encrypted_content":null}""", compaction.Json, "compaction block as started");
        Assert.Equal("Hello there!", Assert.IsType<TextBlock>(final.Content[1]).Text);
        Assert.Equal(30, final.Usage.InputTokens);
        Assert.Equal(8, final.Usage.OutputTokens);

        UnknownContentDelta delta = Assert.IsType<UnknownContentDelta>(
            Assert.Single(run.Events.OfType<ContentBlockDeltaEvent>(), d => d.Index == 0).Delta);
        Assert.Equal("compaction_delta", delta.Type);
        Assert.Equal("EpwBCioIDxgCEAEYASJALd_opaque_compaction_payload", delta.Json.GetProperty("encrypted_content").GetString());
        Assert.Equal("Earlier conversation summarized.", delta.Json.GetProperty("content").GetString());
        Assert.Equal(["compaction", "text"], FixtureSupport.SerializedParamContent(final).Select(b => (string)b!["type"]!));
    }

    [SkippableFact]
    public async Task FallbackResponse_WithFinalBlankLine_KeepsFallbackBlockAndWireModel()
    {
        StreamRun run = await RunAsync(Py + "fallback_response.txt", appendBlankLine: true);

        Message final = run.FinalOrFail();
        // A non-beta client does not relabel the model: it reports message_start's model and keeps the block's JSON.
        Assert.Equal("claude-opus-4-7", final.Model);
        UnknownContentBlock fallback = Assert.IsType<UnknownContentBlock>(final.Content[0]);
        Assert.Equal("fallback", fallback.Type);
        Assert.Equal("claude-sonnet-4-5", fallback.Json.GetProperty("to").GetProperty("model").GetString());
        Assert.Equal("Hello there!", Assert.IsType<TextBlock>(final.Content[1]).Text);
        Assert.Equal(StopReason.EndTurn, final.StopReason);
        Assert.Equal(
            ["message_start", "content_block_start", "content_block_stop", "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            Types(run));
    }

    [SkippableFact]
    public async Task FallbackCreditResponse_WithFinalBlankLine_KeepsFallbackCreditInUsage()
    {
        StreamRun run = await RunAsync(Py + "fallback_credit_response.txt", appendBlankLine: true);

        Message final = run.FinalOrFail();
        Assert.Equal(8, final.Usage.OutputTokens);
        Assert.Equal(25, final.Usage.InputTokens);
        AssertJson("""{"status":{"type":"redeemed"}}""", final.Usage.AdditionalProperties!["fallback_credit"], "usage.fallback_credit");
        Assert.Equal("redeemed", (string?)MessageJson(final)["usage"]!["fallback_credit"]!["status"]!["type"]);
    }

    [SkippableTheory]
    [InlineData(Py + "compaction_response.txt")]
    [InlineData(Py + "fallback_response.txt")]
    [InlineData(Py + "fallback_credit_response.txt")]
    [InlineData(Py + "refusal_response.txt")]
    [InlineData(Py + "tool_use_response.txt")]
    [InlineData(Py + "incomplete_partial_json_response.txt")]
    public async Task PythonTxtFixture_AsRecordedWithoutFinalBlankLine_ThrowsEndedEarlyWithWholePartialMessage(string relative)
    {
        StreamRun complete = await RunAsync(relative, appendBlankLine: true, chunking: "whole");
        StreamRun truncated = await RunAsync(relative, chunking: "random3");

        ClaudeStreamException ex = truncated.ErrorOrFail<ClaudeStreamException>();
        Assert.Equal(StreamFailure.EndedEarly, ex.Failure);
        // message_stop changes nothing in the message: the partial message is the whole message.
        Assert.Equal(complete.FinalOrFail().ToJson(), ex.PartialMessage?.ToJson());
        Assert.Equal(complete.Events.Count - 1, truncated.Events.Count);
    }

    // ---------------------------------------------------------------- fable-fallback streams (identical in both folders)

    [SkippableTheory]
    [InlineData(Py)]
    [InlineData(Cs)]
    public async Task StreamARefusal_Replayed_ReturnsThinkingTextAndRefusalDetails(string folder)
    {
        StreamRun run = await RunAsync(folder + "stream-a-refusal.sse", chunking: "random2");

        Message final = run.FinalOrFail();
        Assert.Equal("msg_fixture_a_0001", final.Id);
        Assert.Equal("claude-fable-5", final.Model);
        Assert.Equal(StopReason.Refusal, final.StopReason);
        Assert.Equal(["thinking", "text"], final.Content.Select(c => c.Type));
        ThinkingBlock thinking = Assert.IsType<ThinkingBlock>(final.Content[0]);
        Assert.StartsWith("Simple educational question about what a solar eclipse is.", thinking.Thinking, StringComparison.Ordinal);
        Assert.EndsWith("Minor correction or just roll with it politely.", thinking.Thinking, StringComparison.Ordinal);
        Assert.Contains("knowledge \u2014 definitions", thinking.Thinking, StringComparison.Ordinal);
        Assert.Equal("c3ludGhldGljLXNpZ25hdHVyZS1maXh0dXJlLWEtbm90LWEtcmVhbC1zaWduYXR1cmU=", thinking.Signature);
        Assert.Equal("Hi", final.GetText());
        Assert.Equal(28, final.Usage.InputTokens);
        Assert.Equal(106, final.Usage.OutputTokens);
        Assert.Equal(1, final.Usage.AdditionalProperties!["iterations"].GetArrayLength());
        JsonElement details = final.AdditionalProperties!["stop_details"];
        Assert.Equal("tok_synthetic_fixture_a", details.GetProperty("fallback_credit_token").GetString());
        Assert.True(details.GetProperty("fallback_has_prefill_claim").GetBoolean());
        Assert.Single(run.Events.OfType<PingEvent>());
        Assert.Equal(4, run.Events.OfType<ContentBlockDeltaEvent>().Count(d => d.Delta is ThinkingDelta));
    }

    [SkippableTheory]
    [InlineData(Py)]
    [InlineData(Cs)]
    public async Task StreamAToolRefusal_Replayed_ReturnsServerToolCallResultAndPartialText(string folder)
    {
        StreamRun run = await RunAsync(folder + "stream-a-toolrefusal.sse", chunking: "random3");

        Message final = run.FinalOrFail();
        Assert.Equal("msg_fixture_atool_0001", final.Id);
        Assert.Equal(StopReason.Refusal, final.StopReason);
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text"], final.Content.Select(c => c.Type));
        ServerToolUseBlock search = Assert.IsType<ServerToolUseBlock>(final.Content[0]);
        Assert.Equal("srvtoolu_fixture_a_0001", search.Id);
        Assert.Equal("web_search", search.Name);
        AssertJson("""{"query":"solar eclipse viewing safety news 2026"}""", search.Input, "server tool input");
        UnknownContentBlock result = Assert.IsType<UnknownContentBlock>(final.Content[1]);
        Assert.Equal("srvtoolu_fixture_a_0001", result.Json.GetProperty("tool_use_id").GetString());
        Assert.Equal("https://www.example.com/eclipse-viewing-safety", result.Json.GetProperty("content")[0].GetProperty("url").GetString());
        Assert.Equal("Here's a summary of this year's solar eclipses and how", final.GetText());
        Assert.Equal("tok_synthetic_fixture_a", final.AdditionalProperties!["stop_details"].GetProperty("fallback_credit_token").GetString());
    }

    [SkippableTheory]
    [InlineData(Py)]
    [InlineData(Cs)]
    public async Task StreamBFallback_ReadThroughTextStream_ReturnsLongTextAndEndTurn(string folder)
    {
        StreamRun run = await RunAsync(folder + "stream-b-fallback.sse", chunking: "bytewise", mode: ReadMode.Text);

        Message final = run.FinalOrFail();
        Assert.Equal("msg_fixture_b_0001", final.Id);
        Assert.Equal("claude-opus-4-8", final.Model);
        Assert.Equal(StopReason.EndTurn, final.StopReason);
        string text = Assert.IsType<TextBlock>(Assert.Single(final.Content)).Text;
        Assert.Equal(1312, text.Length);
        Assert.StartsWith(" there! Happy to explain.\n\n**Solar eclipses**", text, StringComparison.Ordinal);
        Assert.EndsWith("Just let me know what's sparking your interest!", text, StringComparison.Ordinal);
        Assert.Equal(15, run.TextPieces.Count);
        Assert.Equal(text, string.Concat(run.TextPieces));
        Assert.Equal(547, final.Usage.OutputTokens);
    }

    [SkippableFact]
    public async Task FableStreams_BothFolders_AreByteIdentical()
    {
        foreach (string name in new[] { "stream-a-refusal.sse", "stream-a-toolrefusal.sse", "stream-b-fallback.sse" })
        {
            Assert.Equal(FixtureSupport.ReadShared(Py + name), FixtureSupport.ReadShared(Cs + name));
        }

        await Task.CompletedTask;
    }

    // ---------------------------------------------------------------- C# SDK: M.E.AI streaming tests

    public static IEnumerable<object[]> MeaiCases =>
        from file in SharedFixtures.Files("anthropic-sdk-csharp", "meai-*.sse")
        from chunking in Chunkings.Names
        select new object[] { file[0], chunking };

    [SkippableTheory]
    [MemberData(nameof(MeaiCases))]
    public async Task MeaiStream_AnyChunking_CompletesWithTheSameMessageAndEvents(string file, string chunking)
    {
        StreamRun reference = await RunAsync(Cs + file, chunking: "whole");
        StreamRun run = await RunAsync(Cs + file, chunking: chunking);

        Message final = run.FinalOrFail();
        Assert.Equal(reference.FinalOrFail().ToJson(), final.ToJson());
        Assert.Equal(reference.Events.Select(FixtureSupport.Describe), run.Events.Select(FixtureSupport.Describe));
        Assert.IsType<MessageStopEvent>(run.Events[^1]);
        Assert.DoesNotContain(run.Events, e => e is UnknownStreamEvent);
        Assert.Equal(final.ToJson(), Message.FromJson(final.ToJson()).ToJson());
    }

    [SkippableFact]
    public async Task MeaiBasicTextCompletion_Replayed_ReturnsTextAndUsage()
    {
        Message final = (await RunAsync(Meai + "BasicTextCompletion.sse")).FinalOrFail();

        Assert.Equal("Hello world", final.GetText());
        Assert.Equal(10, final.Usage.InputTokens);
        Assert.Equal(5, final.Usage.OutputTokens);
        Assert.Equal(StopReason.EndTurn, final.StopReason);
    }

    [SkippableTheory]
    [InlineData("IncludesMeaiUserAgentHeader.sse")]
    [InlineData("beta")]
    public async Task MeaiUserAgentStreams_Replayed_ReturnResponseText(string which)
    {
        string relative = which == "beta" ? Cs + "meai-beta-GetStreamingResponseAsync_IncludesMeaiUserAgentHeader.sse" : Meai + which;

        Message final = (await RunAsync(relative)).FinalOrFail();

        Assert.Equal("msg_stream_meai_01", final.Id);
        Assert.Equal("Response", final.GetText());
    }

    [SkippableFact]
    public async Task MeaiToolCallInputDelta_Replayed_JoinsArguments()
    {
        Message final = (await RunAsync(Meai + "WithToolCallInputDelta.sse", chunking: "bytewise")).FinalOrFail();

        ToolUseBlock tool = Assert.IsType<ToolUseBlock>(Assert.Single(final.Content));
        Assert.Equal("test_tool", tool.Name);
        Assert.Equal("toolu_stream_1", tool.Id);
        AssertJson("""{"arg":"value"}""", tool.Input, "input");
        Assert.Equal(StopReason.ToolUse, final.StopReason);
    }

    [SkippableFact]
    public async Task MeaiParameterlessToolCall_NoInputDeltas_KeepsEmptyObjectInput()
    {
        Message final = (await RunAsync(Meai + "WithParameterlessToolCall.sse")).FinalOrFail();

        ToolUseBlock tool = Assert.IsType<ToolUseBlock>(Assert.Single(final.Content));
        Assert.Equal("get_time", tool.Name);
        Assert.Equal("toolu_stream_paramless_1", tool.Id);
        Assert.True(tool.IsInputComplete);
        Assert.Equal(JsonValueKind.Object, tool.Input.ValueKind);
        AssertJson("{}", tool.Input, "input");
    }

    [SkippableFact]
    public async Task MeaiMultipleToolCalls_Replayed_ReturnsExactlyThreeCalls()
    {
        Message final = (await RunAsync(Meai + "WithMultipleToolCalls_DoesNotDuplicateFunctionCalls.sse")).FinalOrFail();

        ToolUseBlock[] tools = final.Content.Select(c => Assert.IsType<ToolUseBlock>(c)).ToArray();
        Assert.Equal(["toolu_1", "toolu_2", "toolu_3"], tools.Select(t => t.Id));
        Assert.Equal(["tool_a", "tool_b", "tool_c"], tools.Select(t => t.Name));
        Assert.Equal(["a", "b", "c"], tools.Select(t => t.Input.GetProperty("arg").GetString()));
    }

    [SkippableFact]
    public async Task MeaiInterleavedToolCallDeltas_DeltasInterleaveByIndex_EachInputAssembledSeparately()
    {
        StreamRun run = await RunAsync(Meai + "WithInterleavedToolCallDeltas.sse", chunking: "bytewise");

        Message final = run.FinalOrFail();
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], run.Events.OfType<ContentBlockDeltaEvent>().Select(d => d.Index));
        ToolUseBlock[] tools = final.Content.Select(c => Assert.IsType<ToolUseBlock>(c)).ToArray();
        Assert.Equal(["tool_alpha", "tool_beta", "tool_gamma"], tools.Select(t => t.Name));
        AssertJson("""{"city":"San Francisco"}""", tools[0].Input, "alpha");
        AssertJson("""{"query":"weather forecast"}""", tools[1].Input, "beta");
        AssertJson("""{"id":123,"active":true}""", tools[2].Input, "gamma");
    }

    [SkippableFact]
    public async Task MeaiManyToolCallsFragmentedArguments_ThreeCharFragments_AssembleFiveInputs()
    {
        Message final = (await RunAsync(Meai + "WithManyToolCallsAndFragmentedArguments.sse", chunking: "random2")).FinalOrFail();

        Assert.Equal(5, final.Content.Count);
        for (int i = 0; i < 5; i++)
        {
            char x = (char)('a' + i);
            ToolUseBlock tool = Assert.IsType<ToolUseBlock>(final.Content[i]);
            Assert.Equal($"toolu_{i + 1}", tool.Id);
            Assert.Equal($"tool_{x}", tool.Name);
            Assert.Equal($"tool_{x}_value", tool.Input.GetProperty("name").GetString());
            Assert.Equal(i + 1, tool.Input.GetProperty("count").GetInt32());
            Assert.Contains($"This is tool {x}", tool.Input.GetProperty("description").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(50, final.Usage.OutputTokens);
    }

    [SkippableTheory]
    [InlineData("PopulatesCodeInterpreterToolCallContent.sse", "srvtoolu_stream_01", "bash_code_execution", """{"command":"echo hello"}""")]
    [InlineData("WebSearch_PopulatesWebSearchToolCallContent.sse", "srvtoolu_ws_stream_01", "web_search", """{"query":"latest AI news"}""")]
    [InlineData("CodeExecution_PopulatesCodeInterpreterToolCallContent.sse", "srvtoolu_ce_stream_01", "code_execution", """{"code":"print(2**10)"}""")]
    [InlineData("TextEditorCodeExecution_PopulatesCodeInterpreterToolCallContent.sse", "srvtoolu_te_stream_01", "text_editor_code_execution", """{"command":"create"}""")]
    [InlineData("UnknownName_MapsToToolCallContent.sse", "srvtoolu_unknown_stream_01", "tool_search_tool_regex", "{}")]
    [InlineData("InitialInputPopulated_UsesAccumulatedArguments.sse", "srvtoolu_initial_01", "bash_code_execution", """{"command":"ls -la"}""")]
    public async Task MeaiServerToolUseInputDelta_Replayed_InputIsTheJoinedDeltas(string suffix, string id, string name, string input)
    {
        Message final = (await RunAsync(Meai + "WithServerToolUseInputDelta_" + suffix)).FinalOrFail();

        ServerToolUseBlock tool = Assert.IsType<ServerToolUseBlock>(Assert.Single(final.Content));
        Assert.Equal(id, tool.Id);
        Assert.Equal(name, tool.Name);
        Assert.True(tool.IsInputComplete);
        AssertJson(input, tool.Input, "server tool input");
    }

    [SkippableFact]
    public async Task MeaiThinkingBlockInStream_SignatureInStart_KeepsSignatureAndThinking()
    {
        Message final = (await RunAsync(Meai + "WithThinkingBlockInStream.sse")).FinalOrFail();

        ThinkingBlock thinking = Assert.IsType<ThinkingBlock>(final.Content[0]);
        Assert.Equal("Let me analyze this...", thinking.Thinking);
        Assert.Equal("sig_123", thinking.Signature);
        Assert.Equal("Based on my analysis", final.GetText());
    }

    [SkippableFact]
    public async Task MeaiThinkingMissingInitialSignature_SignatureDeltaLater_DoesNotThrowAndKeepsSignature()
    {
        Message final = (await RunAsync(Meai + "WithThinkingBlockMissingInitialSignature_DoesNotThrow.sse")).FinalOrFail();

        ThinkingBlock thinking = Assert.IsType<ThinkingBlock>(final.Content[0]);
        Assert.Equal("Let me analyze this...", thinking.Thinking);
        Assert.Equal("sig_456", thinking.Signature);
        Assert.Equal("Based on my analysis", Assert.IsType<TextBlock>(final.Content[1]).Text);
    }

    [SkippableFact]
    public async Task MeaiSignatureDeltaInStream_TwoSignatureDeltas_LastOneReplaces()
    {
        Message final = (await RunAsync(Meai + "WithSignatureDeltaInStream.sse")).FinalOrFail();

        ThinkingBlock thinking = Assert.IsType<ThinkingBlock>(Assert.Single(final.Content));
        Assert.Equal("Analyzing...", thinking.Thinking);
        Assert.Equal("sig_part2", thinking.Signature);
    }

    [SkippableFact]
    public async Task MeaiRedactedThinkingBlock_Replayed_KeepsDataAndText()
    {
        Message final = (await RunAsync(Meai + "WithRedactedThinkingBlockInStream.sse")).FinalOrFail();

        Assert.Equal("encrypted_xyz", Assert.IsType<RedactedThinkingBlock>(final.Content[0]).Data);
        Assert.Equal("Response", final.GetText());
        JsonArray param = FixtureSupport.SerializedParamContent(final);
        Assert.Equal("encrypted_xyz", (string?)param[0]!["data"]);
    }

    [SkippableFact]
    public async Task MeaiCitationsDelta_Replayed_AddsCitationToTextBlock()
    {
        StreamRun run = await RunAsync(Meai + "CitationsDelta_MapsToAnnotation.sse");

        TextBlock text = Assert.IsType<TextBlock>(Assert.Single(run.FinalOrFail().Content));
        Assert.Equal("The Eiffel Tower is 330m tall.", text.Text);
        Citation citation = Assert.Single(text.Citations!);
        Assert.Equal("web_search_result_location", citation.Type);
        Assert.Equal("Eiffel Tower Facts", citation.Title);
        Assert.Equal("330 meters tall", citation.CitedText);
        Assert.Equal("https://example.com/eiffel", citation.Url);
        Assert.Equal("enc", citation.EncryptedIndex);
        CitationsDelta delta = Assert.IsType<CitationsDelta>(Assert.Single(run.Events.OfType<ContentBlockDeltaEvent>(), d => d.Delta is not TextDelta).Delta);
        Assert.Equal("Eiffel Tower Facts", delta.Citation.Title);
    }

    [SkippableFact]
    public async Task MeaiTwoMessageStartEvents_SecondRestatesHeader_UsageIsFifteenAndTwo()
    {
        StreamRun run = await RunAsync(Meai + "AccumulatesUsageFromMultipleMessageStartEvents.sse");

        Message final = run.FinalOrFail();
        Assert.Equal(2, run.Events.OfType<MessageStartEvent>().Count());
        Assert.Equal("msg_multi_start_01", final.Id);
        Assert.Equal(15, final.Usage.InputTokens);
        Assert.Equal(2, final.Usage.OutputTokens);
        Assert.Equal("Response", final.GetText());
    }

    [SkippableFact]
    public async Task MeaiUsageFromDelta_DeltaCarriesInputTokens_OverridesStartEvent()
    {
        StreamRun run = await RunAsync(Meai + "UsageFromDeltaOverridesStartEvent.sse");

        Message final = run.FinalOrFail();
        Assert.Equal(8, final.Usage.InputTokens);
        Assert.Equal(12, final.Usage.OutputTokens);
        Assert.Equal(20, final.Usage.InputTokens + final.Usage.OutputTokens);
        MessageDeltaEvent delta = Assert.Single(run.Events.OfType<MessageDeltaEvent>());
        Assert.Equal(12, delta.Usage.OutputTokens);
    }

    [SkippableFact]
    public async Task MeaiServerToolResultInContentBlockStart_ArrivesWhole_KeptAsUnknownBlock()
    {
        Message final = (await RunAsync(Meai + "WithServerToolResultInContentBlockStart.sse")).FinalOrFail();

        UnknownContentBlock result = Assert.IsType<UnknownContentBlock>(Assert.Single(final.Content));
        Assert.Equal("web_search_tool_result", result.Type);
        JsonElement item = Assert.Single(result.Json.GetProperty("content").EnumerateArray());
        Assert.Equal("https://example.com/stream", item.GetProperty("url").GetString());
        Assert.Equal("srvtoolu_ws_stream_01", result.Json.GetProperty("tool_use_id").GetString());
    }

    [SkippableFact]
    public async Task MeaiContainerUploadBlock_Replayed_KeptAsUnknownBlockWithFileId()
    {
        Message final = (await RunAsync(Meai + "ContainerUploadBlock_MapsToHostedFileContent.sse")).FinalOrFail();

        UnknownContentBlock upload = Assert.IsType<UnknownContentBlock>(Assert.Single(final.Content));
        Assert.Equal("container_upload", upload.Type);
        Assert.Equal("file_stream_container_01", upload.Json.GetProperty("file_id").GetString());
        Assert.Equal("file_stream_container_01", (string?)FixtureSupport.SerializedParamContent(final)[0]!["file_id"]);
    }

    // ---------------------------------------------------------------- C# SDK: refusal-fallback handler tests

    [SkippableTheory]
    [MemberData(nameof(Chunkings.All), MemberType = typeof(Chunkings))]
    public async Task RefusalFallbackPassthrough_RetryCommentAndIdFields_AreIgnored(string chunking)
    {
        StreamRun run = await RunAsync(Cs + "refusalfallback-PassthroughPreservesSseFieldsTheParserSurfaces.sse", chunking: chunking);

        Message final = run.FinalOrFail();
        Assert.Equal(["message_start", "message_delta", "message_stop"], Types(run));
        Assert.Equal("msg_a", final.Id);
        Assert.Empty(final.Content);
        Assert.Equal(StopReason.EndTurn, final.StopReason);
        Assert.Equal(10, final.Usage.InputTokens);
        Assert.Equal(3, final.Usage.OutputTokens);
    }

    [SkippableTheory]
    [InlineData("events")]
    [InlineData("text")]
    public async Task RefusalFallbackMysteryDelta_UnknownDeltaTypeTwice_FlowsAsUnknownDeltasAndTextStaysEmpty(string readThrough)
    {
        ReadMode mode = readThrough == "text" ? ReadMode.Text : ReadMode.Events;
        StreamRun run = await RunAsync(Cs + "refusalfallback-WarnsOnceOnAContentDeltaTypeItCannotAccumulate.sse", mode: mode);

        Message final = run.FinalOrFail();
        Assert.Equal("", Assert.IsType<TextBlock>(Assert.Single(final.Content)).Text);
        Assert.Equal("", final.GetText());
        Assert.Equal(StopReason.Refusal, final.StopReason);
        Assert.Equal(20, final.Usage.OutputTokens);
        Assert.Equal("tok_abc", final.AdditionalProperties!["stop_details"].GetProperty("fallback_credit_token").GetString());
        if (mode == ReadMode.Events)
        {
            UnknownContentDelta[] deltas = run.Events.OfType<ContentBlockDeltaEvent>().Select(d => Assert.IsType<UnknownContentDelta>(d.Delta)).ToArray();
            Assert.Equal(2, deltas.Length);
            Assert.All(deltas, d => Assert.Equal("mystery_delta", d.Type));
            Assert.Equal(["?", "!"], deltas.Select(d => d.Json.GetProperty("mystery").GetString()));
        }
        else
        {
            Assert.Empty(run.TextPieces);
        }
    }

    // ---------------------------------------------------------------- SSE decoder cases (not whole Messages streams)

    /// <summary>One decoder fixture: the chunks the original test yielded, the events expected, and how the stream ends.</summary>
    private sealed record DecoderCase(int[]? ReadmePlan, (string Type, string? Json)[] Events, Action<Exception> AssertError);

    private static void EndedEarly(Exception ex, long eventNumber)
    {
        ClaudeStreamException stream = Assert.IsType<ClaudeStreamException>(ex);
        Assert.Equal(StreamFailure.EndedEarly, stream.Failure);
        Assert.Equal(eventNumber, stream.EventNumber);
        Assert.Null(stream.PartialMessage); // no message_start ever arrived
    }

    private static void Malformed(Exception ex, string eventName)
    {
        // The event number is checked in MalformedMessageStart_SecondEvent_ReportsEventNumberTwo (skipped: library bug).
        ClaudeStreamException stream = Assert.IsType<ClaudeStreamException>(ex);
        Assert.Equal(StreamFailure.MalformedEvent, stream.Failure);
        Assert.Contains($"'{eventName}'", stream.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<JsonException>(stream.InnerException);
    }

    private static void Overloaded(Exception ex)
    {
        ClaudeOverloadedException overloaded = Assert.IsType<ClaudeOverloadedException>(ex);
        Assert.Equal(ApiErrorType.Overloaded, overloaded.ErrorType);
        Assert.Equal("overloaded_error", overloaded.ErrorType.Value);
        Assert.Contains("Overloaded", overloaded.ApiMessage, StringComparison.Ordinal);
        Assert.True(overloaded.IsStreamError);
    }

    private static void RawError(Exception ex, string text)
    {
        ClaudeApiException api = Assert.IsType<ClaudeApiException>(ex); // exactly the base type: no error type to map
        Assert.Equal("", api.ErrorType.Value);
        Assert.Contains(text, api.ApiMessage, StringComparison.Ordinal);
        Assert.True(api.IsStreamError);
    }

    private static readonly Dictionary<string, DecoderCase> DecoderCases = new(StringComparer.Ordinal)
    {
        [Py + "test_streaming-test_basic.sse"] = new([18, 19, 1], [("completion", """{"foo":true}""")], e => EndedEarly(e, 1)),
        [Py + "test_streaming-test_data_missing_event.sse"] = new([19, 1], [("message", """{"foo":true}""")], e => EndedEarly(e, 1)),
        [Py + "test_streaming-test_event_missing_data.sse"] = new([12, 1], [], e => EndedEarly(e, 0)),
        [Py + "test_streaming-test_multiple_events.sse"] = new([12, 1, 18, 1], [], e => EndedEarly(e, 0)),
        [Py + "test_streaming-test_multiple_events_with_data.sse"] = new([12, 19, 1, 18, 20, 1], [("ping", null), ("completion", """{"bar":false}""")], e => EndedEarly(e, 2)),
        [Py + "test_streaming-test_multiple_data_lines_with_empty_line.sse"] = new([12, 8, 13, 7, 6, 12, 2], [("ping", null)], e => EndedEarly(e, 1)),
        [Py + "test_streaming-test_data_json_escaped_double_new_line.sse"] = new([12, 35, 2], [("ping", null)], e => EndedEarly(e, 1)),
        [Py + "test_streaming-test_multiple_data_lines.sse"] = new([12, 8, 13, 12, 2], [("ping", null)], e => EndedEarly(e, 1)),
        [Py + "test_streaming-test_special_new_line_character.sse"] = new(
            [27, 1, 25, 1, 24, 1],
            [("message", """{"content":" culpa"}"""), ("message", "{\"content\":\" \u2028\"}"), ("message", """{"content":"foo"}""")],
            e => EndedEarly(e, 3)),
        [Py + "test_streaming-test_multi_byte_character_multiple_chunks.sse"] = new([18, 1, 4, 11, 3, 1], [("message", """{"content":"известни"}""")], e => EndedEarly(e, 1)),
        [Py + "test_streaming-test_error_type.sse"] = new([13, 89], [], Overloaded),
        [Cs + "ssetest-event-and-data.sse"] = new(null, [("completion", """{"foo": true}""")], e => EndedEarly(e, 1)),
        [Cs + "ssetest-event-missing-data.sse"] = new(null, [], e => EndedEarly(e, 0)),
        [Cs + "ssetest-multiple-events-missing-data.sse"] = new(null, [], e => EndedEarly(e, 0)),
        // The second event is named message_start but its data is not a message_start: the Messages stream is malformed there.
        [Cs + "ssetest-multiple-events-and-data.sse"] = new(null, [("completion", """{"foo": true}""")], e => Malformed(e, "message_start")),
        [Cs + "ssetest-special-newline-character.sse"] = new(null, [("completion", """{"content": " culpa"}""")], e => Malformed(e, "message_start")),
        [Cs + "ssetest-json-escaped-double-newline.sse"] = new(null, [("completion", """{"foo":true}""")], e => EndedEarly(e, 1)),
        [Cs + "ssetest-multiple-data-lines.sse"] = new(null, [("completion", """{"foo":true}""")], e => EndedEarly(e, 1)),
        // The stray "}" after the last blank line is an unterminated field-less line at EOF: it produces nothing.
        [Cs + "ssetest-multi-byte-character.sse"] = new(null, [("completion", """{"content":"известни"}""")], e => EndedEarly(e, 1)),
        [Cs + "ssetest-error-unspecified.sse"] = new(null, [], e => RawError(e, "unspecified error")),
        [Cs + "ssetest-error-overloaded.sse"] = new(null, [], Overloaded),
        [Cs + "ssetest-error-non-json.sse"] = new(null, [], e => RawError(e, "ThrottlingException")),
    };

    public static IEnumerable<object[]> DecoderCaseNames =>
        from name in DecoderCases.Keys
        from chunking in new[] { "readme", "bytewise", "random1" }
        select new object[] { name, chunking };

    [SkippableTheory]
    [MemberData(nameof(DecoderCaseNames))]
    public async Task DecoderFixture_AsWholeMessagesStream_YieldsUnknownEventsThenFailsTyped(string relative, string chunking)
    {
        DecoderCase expected = DecoderCases[relative];
        byte[] body = FixtureSupport.ReadShared(relative);
        IReadOnlyList<int> plan = chunking == "readme" ? expected.ReadmePlan ?? [body.Length] : Chunkings.Plan(chunking, body.Length);
        Assert.Equal(body.Length, plan.Sum());

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, plan, ReadMode.Events);

        Assert.Null(run.Final);
        Assert.Equal(expected.Events.Select(e => e.Type), run.Events.Select(e => e.Type));
        for (int i = 0; i < expected.Events.Length; i++)
        {
            (string type, string? json) = expected.Events[i];
            if (json is null)
            {
                Assert.IsType<PingEvent>(run.Events[i]);
                continue;
            }

            UnknownStreamEvent unknown = Assert.IsType<UnknownStreamEvent>(run.Events[i]);
            Assert.Equal(type, unknown.Type);
            AssertJson(json, unknown.Data, $"{relative} event {i} data");
        }

        expected.AssertError(run.Error!);
    }

    /// <summary>
    /// The data of a <c>ping</c> is not surfaced, so to see how multi-line data was joined the event is renamed
    /// <c>pong</c> (same length, so the README's chunk plan still applies) and read back as an unknown event.
    /// </summary>
    [SkippableTheory]
    [InlineData(Py + "test_streaming-test_multiple_data_lines.sse", new[] { 12, 8, 13, 12, 2 }, "{\n\"foo\":\ntrue}")]
    [InlineData(Py + "test_streaming-test_multiple_data_lines_with_empty_line.sse", new[] { 12, 8, 13, 7, 6, 12, 2 }, "{\n\"foo\":\n\n\ntrue}")]
    [InlineData(Py + "test_streaming-test_data_json_escaped_double_new_line.sse", new[] { 12, 35, 2 }, "{\"foo\": \"my long\\n\\ncontent\"}")]
    [InlineData(Cs + "ssetest-multiple-data-lines.sse", new[] { 1000 }, "{ \n\"foo\":\ntrue }")]
    [InlineData(Cs + "ssetest-json-escaped-double-newline.sse", new[] { 1000 }, "{\n\"foo\":\ntrue }")]
    public async Task DecoderFixture_MultiLineData_JoinedWithLineFeeds(string relative, int[] plan, string expectedData)
    {
        string text = FixtureSupport.Utf8(FixtureSupport.ReadShared(relative)).Replace("event: ping", "event: pong", StringComparison.Ordinal);
        byte[] body = Encoding.UTF8.GetBytes(text);

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, plan.Sum() == body.Length ? plan : [body.Length], ReadMode.Events);

        UnknownStreamEvent unknown = Assert.IsType<UnknownStreamEvent>(Assert.Single(run.Events));
        Assert.Equal(expectedData, unknown.Data.GetRawText());
        EndedEarly(run.Error!, 1);
        if (relative.Contains("escaped", StringComparison.Ordinal) && relative.StartsWith(Py, StringComparison.Ordinal))
        {
            Assert.Equal("my long\n\ncontent", unknown.Data.GetProperty("foo").GetString());
        }
    }

    [SkippableFact]
    public async Task MalformedMessageStart_SecondEvent_ReportsEventNumberTwo()
    {
        byte[] body = FixtureSupport.ReadShared(Cs + "ssetest-multiple-events-and-data.sse");

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, "whole", ReadMode.Events);

        ClaudeStreamException ex = run.ErrorOrFail<ClaudeStreamException>();
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        Assert.Single(run.Events);
        Assert.Equal(2, ex.EventNumber);
        Assert.StartsWith("Event 2 ('message_start')", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedMessageStart_FirstEvent_ReportsEventNumberOne()
    {
        byte[] body = Encoding.UTF8.GetBytes("event: message_start\ndata: {\"type\":\"message_start\"}\n\n");

        StreamRun run = await FixtureSupport.RunAsync(fixture.Server, body, "whole", ReadMode.Events);

        ClaudeStreamException ex = run.ErrorOrFail<ClaudeStreamException>();
        Assert.Equal(StreamFailure.MalformedEvent, ex.Failure);
        Assert.Empty(run.Events);
        Assert.Equal(1, ex.EventNumber);
    }
}
