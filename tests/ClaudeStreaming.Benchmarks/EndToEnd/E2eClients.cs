using System.Diagnostics;
using System.Text;
using Anthropic;

namespace ClaudeStreaming.Benchmarks.EndToEnd;

// Inside the namespace so that Anthropic's Message, TextDelta, ... win over ClaudeStreaming's (the parent namespace).
using Anthropic.Models.Messages;

/// <summary>What one stream delivered to the caller's loop.</summary>
public sealed record E2eOutcome(int StreamId, string Text, int Deltas);

/// <summary>
/// One client under test on real sockets. <see cref="RunStreamAsync"/> consumes one whole reply the way a user
/// would, stamps the arrival of each text delta in the caller's loop into <c>received[seq]</c>, and calls
/// <c>onDelta(seq, charsSoFar)</c> after each (seq counts from 1).
/// </summary>
public interface IE2eClient : IDisposable
{
    string Name { get; }

    Task<E2eOutcome> RunStreamAsync(long[] received, Action<int, long>? onDelta, CancellationToken cancellationToken);
}

internal static class E2eHttp
{
    /// <summary>A plain pooled socket handler; HttpClient's own timeout off (the clients bound the wait for headers).</summary>
    public static HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = int.MaxValue,
        // ClaudeClient refuses a handler that follows redirects (it would carry the key); the API never redirects.
        AllowAutoRedirect = false,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    public static int ParseStreamId(string messageId) =>
        int.Parse(messageId.AsSpan("msg_e2e_".Length), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The official package: CreateStreaming and a typed event loop that appends the text deltas.</summary>
public sealed class OfficialE2eClient : IE2eClient
{
    private readonly AnthropicClient _client;

    public OfficialE2eClient(Uri baseAddress)
    {
        _client = new AnthropicClient
        {
            HttpClient = E2eHttp.CreateHttpClient(),
            ApiKey = "bench-key",
            BaseUrl = baseAddress.ToString().TrimEnd('/'),
            MaxRetries = 0,
        };
    }

    public string Name => "Official_EventLoop";

    public async Task<E2eOutcome> RunStreamAsync(long[] received, Action<int, long>? onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        var text = new StringBuilder();
        int seq = 0;
        string? id = null;
        await foreach (RawMessageStreamEvent e in _client.Messages.CreateStreaming(Contestants.OfficialContestant.Request, cancellationToken).ConfigureAwait(false))
        {
            if (e.TryPickContentBlockDelta(out RawContentBlockDeltaEvent? d) && d.Delta.TryPickText(out TextDelta? t))
            {
                received[seq++] = Stopwatch.GetTimestamp();
                text.Append(t.Text);
                onDelta?.Invoke(seq, text.Length);
            }
            else if (e.TryPickStart(out RawMessageStartEvent? start))
            {
                id = start.Message.ID;
            }
        }

        return new E2eOutcome(E2eHttp.ParseStreamId(id ?? throw new InvalidOperationException("no message_start")), text.ToString(), seq);
    }

    public void Dispose()
    {
        _client.HttpClient.Dispose();
        _client.Dispose();
    }
}

/// <summary>ClaudeStreaming: StreamAsync, <c>await foreach</c> over TextStream, then GetFinalMessageAsync.</summary>
public sealed class ClaudeStreamingE2eClient : IE2eClient
{
    private readonly HttpClient _http;
    private readonly ClaudeClient _client;

    public ClaudeStreamingE2eClient(Uri baseAddress)
    {
        _http = E2eHttp.CreateHttpClient();
        _client = new ClaudeClient(_http, new ClaudeClientOptions { ApiKey = "bench-key", BaseAddress = baseAddress, MaxRetries = 0 });
    }

    public string Name => "ClaudeStreaming_TextStream";

    public async Task<E2eOutcome> RunStreamAsync(long[] received, Action<int, long>? onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(received);
        await using MessageStream stream = await _client.Messages.StreamAsync(Contestants.ClaudeStreamingContestant.Request, cancellationToken).ConfigureAwait(false);
        int seq = 0;
        long chars = 0;
        await foreach (string t in stream.TextStream.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            received[seq++] = Stopwatch.GetTimestamp();
            chars += t.Length;
            onDelta?.Invoke(seq, chars);
        }

        ClaudeStreaming.Message final = await stream.GetFinalMessageAsync(cancellationToken).ConfigureAwait(false);
        return new E2eOutcome(E2eHttp.ParseStreamId(final.Id), final.GetText(), seq);
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }
}
