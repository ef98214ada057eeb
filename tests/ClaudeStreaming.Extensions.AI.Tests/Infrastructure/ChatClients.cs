using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Chat clients wired to the fake Messages API over real loopback sockets.</summary>
internal static class ChatClients
{
    public const string ApiKey = "sk-ant-test-meai-0123456789SECRET";

    public const string Model = "claude-sonnet-4-6";

    public static ClaudeClient ClaudeFor(FakeMessagesServer server) =>
        new(new ClaudeClientOptions { ApiKey = ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

    public static IChatClient For(FakeMessagesServer server, string? defaultModelId = Model) => ClaudeFor(server).AsIChatClient(defaultModelId);

    public static List<ChatMessage> Hello() => [new(ChatRole.User, "Hello")];

    /// <summary>Replays raw recorded bytes and returns every update of the one call.</summary>
    public static async Task<List<ChatResponseUpdate>> ReplayAsync(FakeMessagesServer server, byte[] body)
    {
        server.Enqueue(FakeReply.Raw(body));
        return await CollectAsync(For(server), Hello());
    }

    public static async Task<List<ChatResponseUpdate>> CollectAsync(IChatClient chat, IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync(messages, options))
        {
            updates.Add(update);
        }

        return updates;
    }
}
