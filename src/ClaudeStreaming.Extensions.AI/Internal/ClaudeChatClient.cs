using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI;

/// <summary>The <see cref="IChatClient"/> over a <see cref="ClaudeClient"/>: every call streams, one update per useful event.</summary>
internal sealed class ClaudeChatClient : IChatClient
{
    // The OpenTelemetry gen_ai.provider.name of Anthropic's API.
    private const string ProviderName = "anthropic";

    private readonly ClaudeClient _client;
    private readonly ChatRequestBuilder _requests;
    private readonly ChatClientMetadata _metadata;

    public ClaudeChatClient(ClaudeClient client, string? defaultModelId, int defaultMaxOutputTokens)
    {
        _client = client;
        _requests = new ChatRequestBuilder(defaultModelId, defaultMaxOutputTokens);
        _metadata = new ChatClientMetadata(ProviderName, client.BaseAddress, defaultModelId);
    }

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Built on the stream, so that the result is exactly the coalesced updates and no reply is cut by a non-streaming limit.
        IAsyncEnumerable<ChatResponseUpdate> updates = GetStreamingResponseAsync(messages, options, cancellationToken);
        return updates.ToChatResponseAsync(cancellationToken);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);

        // Validate eagerly (a bad message throws here, at the call), run lazily (nothing is sent until enumeration).
        MessageRequest request = _requests.Build(messages, options, this);
        return StreamAsync(_client, request, cancellationToken);

        static async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(ClaudeClient client, MessageRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            MessageStream stream = await client.Messages.StreamAsync(request, cancellationToken).ConfigureAwait(false);

            // Disposing the stream (when the caller breaks out, cancels or a failure propagates) releases the HTTP response at once.
            try
            {
                var updates = new ChatUpdateBuilder();
                await foreach (StreamEvent streamEvent in stream.WithCancellation(cancellationToken).ConfigureAwait(false))
                {
                    if (updates.Apply(streamEvent) is ChatResponseUpdate update)
                    {
                        yield return update;
                    }
                }
            }
            finally
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        // The adapter answers for itself first (IChatClient, IDisposable), so that only a ClaudeClient request gets the client.
        if (serviceType.IsInstanceOfType(this))
        {
            return this;
        }

        return serviceType.IsInstanceOfType(_client) ? _client : null;
    }

    // The ClaudeClient belongs to the caller (often to DI); the chat client holds nothing else.
    public void Dispose()
    {
    }
}
