using ClaudeStreaming.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Timeouts and retry delays on a <see cref="FakeTimeProvider"/>: no real waiting, exact boundaries.</summary>
public sealed class TimingTests
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(50);

    [Fact]
    public async Task StallDetection_FiresAfterIdleTimeout_NotBefore()
    {
        var time = new FakeTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Create().Text("one two three").StallAfterDeltas(2));
        using ClaudeClient client = TestClients.For(handler, o => { o.TimeProvider = time; o.StreamIdleTimeout = TimeSpan.FromSeconds(30); });
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        IAsyncEnumerator<string> text = stream.TextStream.GetAsyncEnumerator();
        Assert.True(await text.MoveNextAsync());
        Assert.True(await text.MoveNextAsync());

        ValueTask<bool> next = text.MoveNextAsync();
        time.Advance(TimeSpan.FromSeconds(20));
        await Task.Delay(100);
        Assert.False(next.IsCompleted, "reported a stall before the idle timeout");

        time.Advance(TimeSpan.FromSeconds(20));
        var ex = await Assert.ThrowsAsync<ClaudeStreamException>(async () => await next);

        Assert.Equal(StreamFailure.Stalled, ex.Failure);
        Assert.Equal("one two", ex.PartialMessage!.GetText());
    }

    [Fact]
    public async Task SlowConsumer_IsNotAStall()
    {
        var time = new FakeTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Create().TextDeltas("a", "b", "c"));
        using ClaudeClient client = TestClients.For(handler, o => { o.TimeProvider = time; o.StreamIdleTimeout = TimeSpan.FromSeconds(30); });
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var pieces = new List<string>();
        await foreach (string piece in stream.TextStream)
        {
            pieces.Add(piece);
            time.Advance(TimeSpan.FromMinutes(5)); // the caller takes its time between reads: only waiting reads count
        }

        Assert.Equal(["a", "b", "c"], pieces);
    }

    [Fact]
    public async Task RetryWithoutServerDelay_WaitsExponentialBackoff()
    {
        var time = new FakeTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.HttpError(529, "overloaded_error", "busy"), FakeReply.HttpError(529, "overloaded_error", "busy"), FakeReply.Text("ok"));
        using ClaudeClient client = TestClients.For(handler, o => { o.TimeProvider = time; o.MaxRetries = 2; });

        Task<MessageStream> call = client.Messages.StreamAsync(TestClients.Request());
        await WaitForRequestsAsync(handler, 1);

        // First retry: 0.5 s minus up to 25 % jitter, so nothing before 0.375 s and always by 0.5 s.
        time.Advance(TimeSpan.FromMilliseconds(370));
        await Task.Delay(100);
        Assert.Single(handler.Requests);
        time.Advance(TimeSpan.FromMilliseconds(130));
        await WaitForRequestsAsync(handler, 2);

        // Second retry: 1 s minus up to 25 %.
        time.Advance(TimeSpan.FromMilliseconds(740));
        await Task.Delay(100);
        Assert.Equal(2, handler.Requests.Count);
        time.Advance(TimeSpan.FromMilliseconds(260));
        await WaitForRequestsAsync(handler, 3);

        await using MessageStream stream = await call;
        Assert.Equal("ok", await stream.GetFinalTextAsync());
    }

    [Fact]
    public async Task RetryAfterHeader_IsHonoured()
    {
        var time = new FakeTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(
            FakeReply.HttpError(429, "rate_limit_error", "slow down", headers: new Dictionary<string, string> { ["retry-after"] = "20" }),
            FakeReply.Text("ok"));
        using ClaudeClient client = TestClients.For(handler, o => { o.TimeProvider = time; o.MaxRetries = 1; });

        Task<MessageStream> call = client.Messages.StreamAsync(TestClients.Request());
        await WaitForRequestsAsync(handler, 1);
        time.Advance(TimeSpan.FromSeconds(19.9));
        await Task.Delay(100);
        Assert.Single(handler.Requests);
        time.Advance(TimeSpan.FromSeconds(0.1));
        await WaitForRequestsAsync(handler, 2);

        await using MessageStream stream = await call;
        Assert.Equal("ok", await stream.GetFinalTextAsync());
    }

    private static async Task WaitForRequestsAsync(FakeMessagesHandler handler, int count)
    {
        for (int i = 0; i < 200 && handler.Requests.Count < count; i++)
        {
            await Task.Delay(Step);
        }

        Assert.Equal(count, handler.Requests.Count);

        // Let the client read the error response and schedule its retry delay on the fake clock before time moves.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
    }
}
