using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>
/// The server sends one delta, then waits until the test has seen it through TextStream before sending the next.
/// A client that buffers the body (or reads ahead for a whole event batch) never yields and the test times out.
/// </summary>
public sealed class RealTimeDeliveryTests
{
    [Fact]
    public async Task TextStream_YieldsEachDeltaBeforeTheNextIsSent()
    {
        string[] deltas = ["Each ", "piece ", "arrives ", "alone ", "— ", "日本 ", "🚀"];
        var observed = new SemaphoreSlim(0);
        int gatesPassed = 0;
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().TextDeltas(deltas).Gate(async (n, ct) =>
        {
            if (n > 0)
            {
                // Hold delta n until the client has yielded delta n-1.
                if (!await observed.WaitAsync(TimeSpan.FromSeconds(10), ct))
                {
                    throw new TimeoutException($"The client never yielded delta {n - 1}: it buffers.");
                }
            }

            Interlocked.Increment(ref gatesPassed);
        }));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var received = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await foreach (string text in stream.TextStream.WithCancellation(timeout.Token))
        {
            received.Add(text);
            // When we see delta k, the server cannot have sent k+1 yet.
            Assert.Equal(received.Count, Volatile.Read(ref gatesPassed));
            observed.Release();
        }

        Assert.Equal(deltas, received);
    }
}
