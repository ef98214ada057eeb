using System.Text.Json;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Item 2: blocks and events this version does not know are not lost, and go back to the API unchanged.</summary>
public sealed class UnknownContentTests
{
    private const string Body =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_unknown\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-next\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":4,\"output_tokens\":1}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"mystery_block\",\"payload\":{\"x\":[1,2]}}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
        "event: brand_new_event\ndata: {\"type\":\"brand_new_event\",\"detail\":42}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"Known text.\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n" +
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":5}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

    [Fact]
    public async Task GetStreamingResponseAsync_UnknownBlockAndEvent_KeptAsRawRepresentation()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.RawText(Body, chunkSize: 7));

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(ChatClients.For(server), ChatClients.Hello());

        AIContent block = Assert.Single(updates.SelectMany(u => u.Contents), c => c.RawRepresentation is UnknownContentBlock);
        var unknown = (UnknownContentBlock)block.RawRepresentation!;
        Assert.Equal("mystery_block", unknown.Type);
        Assert.Equal(2, unknown.Json.GetProperty("payload").GetProperty("x")[1].GetInt32());
        UnknownStreamEvent streamEvent = Assert.IsType<UnknownStreamEvent>(Assert.Single(updates, u => u.RawRepresentation is UnknownStreamEvent).RawRepresentation);
        Assert.Equal("brand_new_event", streamEvent.Type);
        Assert.Equal("Known text.", updates.ToChatResponse().Text);
    }

    [Fact]
    public async Task History_UnknownBlock_GoesBackToTheApiUnchanged()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.RawText(Body), FakeReply.CreateText("Next."));
        IChatClient chat = ChatClients.For(server);
        List<ChatMessage> history = ChatClients.Hello();

        history.AddMessages(await chat.GetResponseAsync(history));
        history.Add(new ChatMessage(ChatRole.User, "And?"));
        await chat.GetResponseAsync(history);

        JsonElement[] assistant = [.. server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content").EnumerateArray()];
        Assert.Equal(["mystery_block", "text"], assistant.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("""{"x":[1,2]}""", assistant[0].GetProperty("payload").GetRawText());
    }

    [Fact]
    public async Task Options_HostedWebSearchTool_BecomesTheServerTool()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok"));

        await ChatClients.For(server).GetResponseAsync(ChatClients.Hello(), new ChatOptions { Tools = [new HostedWebSearchTool()] });

        JsonElement tool = Assert.Single(server.Requests[0].Json.GetProperty("tools").EnumerateArray());
        Assert.Equal("web_search_20250305", tool.GetProperty("type").GetString());
        Assert.Equal("web_search", tool.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UseFunctionInvocation_Streaming_ThinkingAndToolUseGoBackWithTheSignature()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().Thinking("Need the time.", signature: "sig_stream").ToolUse("toolu_now", "now", "{}").StopReason("tool_use"),
            FakeReply.CreateText("It is noon."));
        IChatClient chat = new ChatClientBuilder(ChatClients.For(server)).UseFunctionInvocation().Build();
        var options = new ChatOptions { Tools = [AIFunctionFactory.Create(() => "12:00", "now")] };

        List<ChatResponseUpdate> updates = await ChatClients.CollectAsync(chat, [new ChatMessage(ChatRole.User, "Time?")], options);

        Assert.Contains(updates.SelectMany(u => u.Contents), c => c is FunctionResultContent { CallId: "toolu_now" });
        Assert.EndsWith("It is noon.", string.Concat(updates.Select(u => u.Text)));
        JsonElement[] assistant = [.. server.Requests[1].Json.GetProperty("messages")[1].GetProperty("content").EnumerateArray()];
        Assert.Equal(["thinking", "tool_use"], assistant.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("sig_stream", assistant[0].GetProperty("signature").GetString());
        Assert.Equal("Need the time.", assistant[0].GetProperty("thinking").GetString());
        Assert.Equal("12:00", server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content")[0].GetProperty("content")[0].GetProperty("text").GetString());
    }
}
