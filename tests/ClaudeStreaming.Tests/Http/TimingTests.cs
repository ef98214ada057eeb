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
        var time = new ObservedTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.HttpError(529, "overloaded_error", "busy"), FakeReply.HttpError(529, "overloaded_error", "busy"), FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(handler, o => { o.TimeProvider = time; o.MaxRetries = 2; });

        Task<MessageStream> call = client.Messages.StreamAsync(TestClients.Request());

        // First retry: 0.5 s minus up to 25 % jitter; second: 1 s minus up to 25 %.
        TimeSpan first = await time.NextRetryDelayAsync();
        Assert.InRange(first, TimeSpan.FromMilliseconds(375), TimeSpan.FromMilliseconds(500));
        await AdvanceThroughAsync(time, first, handler, expectedRequests: 2);
        TimeSpan second = await time.NextRetryDelayAsync();
        Assert.InRange(second, TimeSpan.FromMilliseconds(750), TimeSpan.FromMilliseconds(1000));
        await AdvanceThroughAsync(time, second, handler, expectedRequests: 3);

        await using MessageStream stream = await call;
        Assert.Equal("ok", await stream.GetFinalTextAsync());
    }

    [Fact]
    public async Task RetryAfterHeader_IsHonoured()
    {
        var time = new ObservedTimeProvider();
        using var handler = new FakeMessagesHandler();
        handler.Enqueue(
            FakeReply.HttpError(429, "rate_limit_error", "slow down", headers: new Dictionary<string, string> { ["retry-after"] = "20" }),
            FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(handler, o => { o.TimeProvider = time; o.MaxRetries = 1; });

        Task<MessageStream> call = client.Messages.StreamAsync(TestClients.Request());

        TimeSpan delay = await time.NextRetryDelayAsync();
        Assert.Equal(TimeSpan.FromSeconds(20), delay);
        await AdvanceThroughAsync(time, delay, handler, expectedRequests: 2);

        await using MessageStream stream = await call;
        Assert.Equal("ok", await stream.GetFinalTextAsync());
    }

    /// <summary>Advances to just before the delay (no retry yet), then through it (the retry is sent).</summary>
    private static async Task AdvanceThroughAsync(FakeTimeProvider time, TimeSpan delay, FakeMessagesHandler handler, int expectedRequests)
    {
        time.Advance(delay - TimeSpan.FromMilliseconds(1));
        await Task.Delay(100);
        Assert.Equal(expectedRequests - 1, handler.Requests.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitForRequestsAsync(handler, expectedRequests);
    }

    /// <summary>A fake clock that reports the timers created on it, so a test can wait until a retry delay is scheduled.</summary>
    private sealed class ObservedTimeProvider : FakeTimeProvider
    {
        private readonly global::System.Threading.Channels.Channel<TimeSpan> _timers = global::System.Threading.Channels.Channel.CreateUnbounded<TimeSpan>();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _timers.Writer.TryWrite(dueTime);
            return base.CreateTimer(callback, state, dueTime, period);
        }

        /// <summary>The due time of the next short timer (a retry delay, not the 10-minute attempt timeout).</summary>
        public async Task<TimeSpan> NextRetryDelayAsync()
        {
            while (true)
            {
                TimeSpan due = await _timers.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                if (due > TimeSpan.Zero && due < TimeSpan.FromMinutes(1))
                {
                    return due;
                }
            }
        }
    }

    private static async Task WaitForRequestsAsync(FakeMessagesHandler handler, int count)
    {
        for (int i = 0; i < 200 && handler.Requests.Count < count; i++)
        {
            await Task.Delay(Step);
        }

        Assert.Equal(count, handler.Requests.Count);
    }
}
