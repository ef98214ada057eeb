using System.Text.Json;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>The "used by" code, exactly as written, against the fake API on real loopback sockets.</summary>
public sealed class UsedByTests
{
    [Fact]
    public async Task UsedByCode_AgainstLocalServer_StreamsTextAndFinalMessage()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().Thinking("Let me think.", signature: "sig-1").Text("Once upon a time, in orbit… 🚀").Usage(21, 42),
            FakeReply.Create().Text("Second reply").Usage(3, 4));
        string key = TestClients.ApiKey;
        var history = new List<MessageParam>();
        var output = new System.Text.StringBuilder();
        var eventTypes = new List<string>();
        CancellationToken cancellationToken = CancellationToken.None;

        var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = key, BaseAddress = server.BaseAddress });
        var request = new MessageRequest
        {
            Model = "claude-sonnet-4-6",
            MaxTokens = 1024,
            System = "You are a helpful assistant.",
            Messages = [MessageParam.User("Tell me a short story about space.")],
        };
        await using MessageStream stream = await client.Messages.StreamAsync(request, cancellationToken);
        await foreach (string text in stream.TextStream) output.Append(text);
        Message final = await stream.GetFinalMessageAsync();
        string usageLine = $"{final.Usage.InputTokens} in / {final.Usage.OutputTokens} out, stop: {final.StopReason}";
        history.Add(final.ToParam());
        string json = final.ToJson();

        await using MessageStream other = await client.Messages.StreamAsync(request);
        await foreach (StreamEvent e in other) eventTypes.Add(e.Type);

        Assert.Equal("Once upon a time, in orbit… 🚀", output.ToString());
        Assert.Equal("21 in / 42 out, stop: end_turn", usageLine);
        MessageParam turn = Assert.Single(history);
        Assert.Equal(MessageRole.Assistant, turn.Role);
        Assert.Collection(turn.Content,
            b => Assert.Equal("sig-1", Assert.IsType<ThinkingBlock>(b).Signature),
            b => Assert.Equal("Once upon a time, in orbit… 🚀", Assert.IsType<TextBlock>(b).Text));
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.Equal("message", doc.RootElement.GetProperty("type").GetString());
        Assert.Equal("thinking", doc.RootElement.GetProperty("content")[0].GetProperty("type").GetString());
        Assert.Equal(42, doc.RootElement.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        // The fake, like the API, sends a ping after the first content_block_start.
        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"], eventTypes);

        RecordedRequest sent = server.Requests[0];
        Assert.Equal("You are a helpful assistant.", sent.Json.GetProperty("system").GetString());
        Assert.True(sent.Json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task CreateAsync_ReturnsFinalMessage()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("All at once.").Usage(5, 6));
        using ClaudeClient client = TestClients.For(server);

        Message message = await client.Messages.CreateAsync(TestClients.Request());

        Assert.Equal("All at once.", message.GetText());
        Assert.Equal(6, message.Usage.OutputTokens);
        Assert.True(server.Requests[0].Json.GetProperty("stream").GetBoolean());
    }
}
