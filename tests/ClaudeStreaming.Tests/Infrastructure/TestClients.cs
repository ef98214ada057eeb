using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Clients wired to the fake Messages API: over real loopback sockets (Kestrel) or through the in-memory handler.</summary>
internal static class TestClients
{
    public const string ApiKey = "sk-ant-test-0123456789abcdefSECRET";

    public static MessageRequest Request(string prompt = "Hello") => new()
    {
        Model = "claude-sonnet-4-6",
        MaxTokens = 1024,
        Messages = [MessageParam.User(prompt)],
    };

    public static ClaudeClient For(FakeMessagesServer server, Action<ClaudeClientOptions>? configure = null)
    {
        var options = new ClaudeClientOptions { ApiKey = ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 };
        configure?.Invoke(options);
        return new ClaudeClient(options);
    }

    public static ClaudeClient For(FakeMessagesHandler handler, Action<ClaudeClientOptions>? configure = null)
    {
        var options = new ClaudeClientOptions { ApiKey = ApiKey, BaseAddress = new Uri("https://api.anthropic.com/"), MaxRetries = 0 };
        configure?.Invoke(options);
        return new ClaudeClient(new HttpClient(handler), options);
    }

    /// <summary>Replays raw SSE bytes over Kestrel in the given chunking and returns the stream.</summary>
    public static async Task<(ClaudeClient Client, MessageStream Stream)> ReplayAsync(FakeMessagesServer server, byte[] body, string chunking)
    {
        server.Enqueue(FakeReply.Raw(body, Chunkings.Plan(chunking, body.Length)));
        ClaudeClient client = For(server);
        MessageStream stream = await client.Messages.StreamAsync(Request());
        return (client, stream);
    }
}
