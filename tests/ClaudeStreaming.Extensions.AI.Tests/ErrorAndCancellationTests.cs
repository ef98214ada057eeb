using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Item 6: the core's typed exceptions come through unchanged, after the text before them; leaving early releases the response.</summary>
public sealed class ErrorAndCancellationTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorEventMidStream_TextFirstThenTheTypedException()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().TextDeltas("alpha ", "beta ", "gamma").ErrorEventAfterDeltas(2, "overloaded_error", "Overloaded").RequestId("req_meai_mid"));
        var texts = new List<string>();

        var error = await Assert.ThrowsAsync<ClaudeOverloadedException>(async () =>
        {
            await foreach (ChatResponseUpdate update in ChatClients.For(server).GetStreamingResponseAsync(ChatClients.Hello()))
            {
                texts.Add(update.Text);
            }
        });

        Assert.Equal("alpha beta ", string.Concat(texts));
        Assert.True(error.IsStreamError);
        Assert.Equal("alpha beta ", error.PartialMessage?.GetText());
    }

    [Fact]
    public async Task GetResponseAsync_HttpError_TypedExceptionUnchanged()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.HttpError(429, "rate_limit_error", "Number of requests exceeded", requestId: "req_429"));

        var error = await Assert.ThrowsAsync<ClaudeRateLimitException>(() => ChatClients.For(server).GetResponseAsync(ChatClients.Hello()));

        Assert.Equal("req_429", error.RequestId);
        Assert.DoesNotContain(ChatClients.ApiKey, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BreakOutOfLoop_ReleasesTheResponseAtOnce()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        var never = new TaskCompletionSource();
        server.Enqueue(FakeReply.Create().TextDeltas("first ", "second ", "third").Gate((n, ct) => n < 1 ? Task.CompletedTask : never.Task.WaitAsync(ct)));

        await foreach (ChatResponseUpdate update in ChatClients.For(server).GetStreamingResponseAsync(ChatClients.Hello()))
        {
            if (update.Text.Length > 0)
            {
                Assert.Equal("first ", update.Text);
                break;
            }
        }

        Task aborted = server.Requests[0].Aborted;
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(Patience)));
        Assert.False(server.Requests[0].CompletedNormally);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_Cancelled_ThrowsAndReleasesTheResponse()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        var never = new TaskCompletionSource();
        server.Enqueue(FakeReply.Create().TextDeltas("first ", "second ").Gate((n, ct) => n < 1 ? Task.CompletedTask : never.Task.WaitAsync(ct)));
        using var cts = new CancellationTokenSource();
        var texts = new List<string>();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatResponseUpdate update in ChatClients.For(server).GetStreamingResponseAsync(ChatClients.Hello(), cancellationToken: cts.Token))
            {
                texts.Add(update.Text);
                if (update.Text.Length > 0)
                {
                    // The next delta is held back by the gate, so the cancellation lands while the stream waits on the socket.
                    await cts.CancelAsync();
                }
            }
        });

        Assert.Equal("first ", string.Concat(texts));
        Task aborted = server.Requests[0].Aborted;
        Assert.Same(aborted, await Task.WhenAny(aborted, Task.Delay(Patience)));
    }

    [Fact]
    public async Task GetResponseAsync_CancelledBeforeTheCall_NoRequestCompletes()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("never read"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ChatClients.For(server).GetResponseAsync(ChatClients.Hello(), cancellationToken: new CancellationToken(canceled: true)));

        Assert.DoesNotContain(server.Requests, r => r.CompletedNormally);
    }
}
