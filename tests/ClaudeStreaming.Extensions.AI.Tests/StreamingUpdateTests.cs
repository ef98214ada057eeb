using System.Text.Json;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Item 2: the updates built from the core's typed events, on the fake server.</summary>
public sealed class StreamingUpdateTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_Text_EveryUpdateCarriesRoleIdsModelAndRawEvent()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create(model: "claude-opus-4-6", messageId: "msg_ids_1").TextDeltas("Hel", "lo", " world").Usage(3, 4));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        Assert.NotEmpty(updates);
        Assert.All(updates, u =>
        {
            Assert.Equal(ChatRole.Assistant, u.Role);
            Assert.Equal("msg_ids_1", u.MessageId);
            Assert.Equal("msg_ids_1", u.ResponseId);
            Assert.Equal("claude-opus-4-6", u.ModelId);
            Assert.IsAssignableFrom<StreamEvent>(u.RawRepresentation);
        });
        Assert.IsType<MessageStartEvent>(updates[0].RawRepresentation);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TextDeltas_OneTextContentPerDelta()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().TextDeltas("one ", "two ", "three"));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        List<TextContent> texts = [.. updates.SelectMany(u => u.Contents).OfType<TextContent>()];
        Assert.Equal(["one ", "two ", "three"], texts.Select(t => t.Text));
        Assert.All(texts, t => Assert.IsType<TextDelta>(t.RawRepresentation));
        Assert.Equal("one two three", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Thinking_OneReasoningPerDeltaAndSignatureInProtectedData()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Thinking("Let me think about this carefully.", signature: "sig_abc", wordsPerDelta: 2).Text("Answer."));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        List<TextReasoningContent> reasoning = [.. updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>()];
        Assert.Equal(["Let me", " think about", " this carefully."], reasoning.Where(r => r.ProtectedData is null).Select(r => r.Text));
        TextReasoningContent signed = Assert.Single(reasoning, r => r.ProtectedData is not null);
        Assert.Equal("sig_abc", signed.ProtectedData);
        Assert.Equal("", signed.Text);

        // Coalescing (what GetResponseAsync and the middleware do) joins the text and keeps the signature.
        ChatMessage message = Assert.Single(updates.ToChatResponse().Messages);
        TextReasoningContent joined = Assert.Single(message.Contents.OfType<TextReasoningContent>());
        Assert.Equal("Let me think about this carefully.", joined.Text);
        Assert.Equal("sig_abc", joined.ProtectedData);
        Assert.Equal("Answer.", message.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_TwoThinkingBlocks_StayApartWithTheirSignatures()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Thinking("first thought", signature: "sig_1").Thinking("second thought", signature: "sig_2").Text("Done."));

        ChatResponse response = (await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello())).ToChatResponse();

        List<TextReasoningContent> reasoning = [.. response.Messages.Single().Contents.OfType<TextReasoningContent>()];
        Assert.Equal([("first thought", "sig_1"), ("second thought", "sig_2")], reasoning.Select(r => (r.Text, r.ProtectedData)));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_RedactedThinking_EmptyReasoningWithDataInProtectedData()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().RedactedThinking("opaque_redacted_data").Text("Hi."));

        ChatResponse response = (await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello())).ToChatResponse();

        TextReasoningContent redacted = Assert.Single(response.Messages.Single().Contents.OfType<TextReasoningContent>());
        Assert.Equal("", redacted.Text);
        Assert.Equal("opaque_redacted_data", redacted.ProtectedData);
        Assert.IsType<RedactedThinkingBlock>(redacted.RawRepresentation);
        Assert.Equal(true, redacted.AdditionalProperties?["anthropic.redacted_thinking"]);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolUse_OneCompleteFunctionCallWhenTheBlockStops()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create()
            .Text("Checking.")
            .ToolUse("toolu_w1", "get_weather", """{"city":"Paris","days":3,"units":{"temp":"C"}}""", fragmentLength: 4)
            .StopReason("tool_use"));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        FunctionCallContent call = Assert.Single(updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>());
        Assert.Equal("toolu_w1", call.CallId);
        Assert.Equal("get_weather", call.Name);
        Assert.Equal("Paris", ((JsonElement)call.Arguments!["city"]!).GetString());
        Assert.Equal(3, ((JsonElement)call.Arguments["days"]!).GetInt32());
        Assert.Equal("C", ((JsonElement)call.Arguments["units"]!).GetProperty("temp").GetString());
        Assert.IsType<ContentBlockStopEvent>(updates.Single(u => u.Contents.Contains(call)).RawRepresentation);
        Assert.Equal(ChatFinishReason.ToolCalls, updates.ToChatResponse().FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ParallelToolCalls_StayApart()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create()
            .ToolUse("toolu_a", "get_weather", """{"city":"Paris"}""", fragmentLength: 3)
            .ToolUse("toolu_b", "get_weather", """{"city":"Tokyo"}""", fragmentLength: 3)
            .ToolUse("toolu_c", "get_time", "{}")
            .StopReason("tool_use"));

        ChatResponse response = (await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello())).ToChatResponse();

        List<FunctionCallContent> calls = [.. response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>()];
        Assert.Equal(["toolu_a", "toolu_b", "toolu_c"], calls.Select(c => c.CallId));
        Assert.Equal("Paris", calls[0].Arguments!["city"]!.ToString());
        Assert.Equal("Tokyo", calls[1].Arguments!["city"]!.ToString());
        Assert.Empty(calls[2].Arguments!);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Usage_ReportedOnceAfterTheFinalMessageDelta()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("Cached answer here.").Usage(input: 12, output: 34, cacheCreation: 5, cacheRead: 7));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        int usageIndex = updates.FindIndex(u => u.Contents.OfType<UsageContent>().Any());
        Assert.Single(updates.SelectMany(u => u.Contents).OfType<UsageContent>());
        Assert.True(usageIndex > updates.FindLastIndex(u => u.RawRepresentation is MessageDeltaEvent), "usage comes after the final message_delta");
        UsageDetails usage = updates.ToChatResponse().Usage!;
        Assert.Equal(12 + 7 + 5, usage.InputTokenCount);
        Assert.Equal(34, usage.OutputTokenCount);
        Assert.Equal(12 + 7 + 5 + 34, usage.TotalTokenCount);
        Assert.Equal(7, usage.CachedInputTokenCount);
        Assert.Equal(5, usage.AdditionalCounts!["cache_creation_input_tokens"]);
    }

    [Theory]
    [InlineData("end_turn", "stop")]
    [InlineData("stop_sequence", "stop")]
    [InlineData("pause_turn", "stop")]
    [InlineData("max_tokens", "length")]
    [InlineData("tool_use", "tool_calls")]
    [InlineData("refusal", "content_filter")]
    [InlineData("model_context_window_exceeded", "model_context_window_exceeded")]
    [InlineData("some_future_reason", "some_future_reason")]
    public async Task GetStreamingResponseAsync_StopReason_MapsToFinishReason(string stopReason, string expected)
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("x").StopReason(stopReason));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        Assert.Equal(new ChatFinishReason(expected), updates.ToChatResponse().FinishReason);
        Assert.IsType<MessageDeltaEvent>(Assert.Single(updates, u => u.FinishReason is not null).RawRepresentation);
    }

    [Fact]
    public async Task GetResponseAsync_EqualsCoalescedUpdates()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        FakeReply reply = FakeReply.Create(messageId: "msg_same").Thinking("hmm", signature: "sig_s").Text("The answer is 42.").ToolUse("toolu_s", "calc", """{"x":1}""").Usage(10, 20, cacheRead: 3).StopReason("tool_use");
        server.Enqueue(reply, reply);
        IChatClient chat = ChatClients.For(server);

        ChatResponse direct = await chat.GetResponseAsync(ChatClients.Hello());
        ChatResponse coalesced = (await ChatClients.CollectAsync(chat, ChatClients.Hello())).ToChatResponse();

        Assert.Equal(coalesced.ResponseId, direct.ResponseId);
        Assert.Equal("msg_same", direct.ResponseId);
        Assert.Equal(coalesced.ModelId, direct.ModelId);
        Assert.Equal(coalesced.FinishReason, direct.FinishReason);
        Assert.Equal(coalesced.Text, direct.Text);
        Assert.Equal(coalesced.Usage!.InputTokenCount, direct.Usage!.InputTokenCount);
        Assert.Equal(coalesced.Usage.OutputTokenCount, direct.Usage.OutputTokenCount);
        Assert.Equal(Describe(coalesced), Describe(direct));
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.True(r.Json.GetProperty("stream").GetBoolean()));

        static string Describe(ChatResponse r) => string.Join("|", r.Messages.SelectMany(m => m.Contents).Select(c => c switch
        {
            TextReasoningContent t => $"reasoning:{t.Text}:{t.ProtectedData}",
            TextContent t => $"text:{t.Text}",
            FunctionCallContent f => $"call:{f.CallId}:{f.Name}:{string.Join(',', f.Arguments!.Select(a => $"{a.Key}={a.Value}"))}",
            _ => c.GetType().Name,
        }));
    }
}
