using ClaudeStreaming.Extensions.AI;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming;

/// <summary>Exposes a <see cref="ClaudeClient"/> as a Microsoft.Extensions.AI <see cref="IChatClient"/>.</summary>
public static class ClaudeChatClientExtensions
{
    /// <summary>The <c>max_tokens</c> sent when <see cref="ChatOptions.MaxOutputTokens"/> is not set, since the API requires one.</summary>
    public const int DefaultMaxOutputTokens = 4096;

    /// <summary>Returns an <see cref="IChatClient"/> that streams every call through <see cref="MessagesClient.StreamAsync"/>.</summary>
    /// <param name="client">The client to send through; it is not disposed with the chat client.</param>
    /// <param name="defaultModelId">The model used when <see cref="ChatOptions.ModelId"/> is not set, for example <c>claude-sonnet-4-6</c>.</param>
    /// <param name="defaultMaxOutputTokens">
    /// The <c>max_tokens</c> used when <see cref="ChatOptions.MaxOutputTokens"/> is not set: by default
    /// <see cref="DefaultMaxOutputTokens"/> (4096); with thinking turned on by <see cref="ChatOptions.Reasoning"/>, the
    /// thinking budget is added to it.
    /// </param>
    /// <returns>The chat client; thread-safe, like the <see cref="ClaudeClient"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="client"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="defaultMaxOutputTokens"/> is zero or negative.</exception>
    /// <remarks>
    /// <see cref="IChatClient.GetResponseAsync"/> is built on the same stream and returns what coalescing the updates
    /// returns, so a long reply never meets the non-streaming request limit. <see cref="IChatClient.GetService"/> answers
    /// <see cref="ChatClientMetadata"/> (provider <c>anthropic</c>, the client's <see cref="ClaudeClient.BaseAddress"/>, the
    /// default model) and the <see cref="ClaudeClient"/> itself.
    /// </remarks>
    public static IChatClient AsIChatClient(this ClaudeClient client, string? defaultModelId = null, int defaultMaxOutputTokens = DefaultMaxOutputTokens)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(defaultMaxOutputTokens);
        return new ClaudeChatClient(client, defaultModelId, defaultMaxOutputTokens);
    }
}
