using System.Diagnostics;

namespace ClaudeStreaming.Testing.Tests;

public sealed class FakeMessagesHandlerTests
{
    [Fact]
    public async Task SendAsync_CancelledBeforeHeaders_ThrowsAndAborts()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.CreateText("late").DelayHeaders(TimeSpan.FromSeconds(30)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => fake.PostAsync(cancellationToken: cts.Token));

        await Assert.Single(fake.Requests).Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ReadAsync_Cancelled_ThrowsAndLaterDisposalAborts()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create().Text("a b").StallAfterDeltas(0));

        HttpResponseMessage response = await fake.PostAsync();
        Stream stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[4096];
        int firstRead = await stream.ReadAsync(buffer);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(buffer, cts.Token).AsTask());
        response.Dispose();

        Assert.True(firstRead > 0);
        await Assert.Single(fake.Requests).Aborted.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Pace_FiftyMilliseconds_DeltasArriveOverTime()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create().Text("a b c d").Pace(TimeSpan.FromMilliseconds(50)));

        using HttpResponseMessage response = await fake.PostAsync();
        var stopwatch = Stopwatch.StartNew();
        await FakeEndpoint.ReadEventsAsync(response);

        // Headers return before the body is written; the 9 events after message_start then come 50 ms apart.
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(400), $"Body took {stopwatch.Elapsed} after the headers.");
    }

    [Fact]
    public async Task Dispose_WhileStreaming_EndsTheReplyAndAborts()
    {
        var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Create().Text("a b").StallAfterDeltas(1));
        using var client = new HttpClient(handler) { BaseAddress = new Uri("https://api.anthropic.com/") };
        using HttpRequestMessage request = FakeEndpoint.NewRequest();
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using Stream stream = await response.Content.ReadAsStreamAsync();

        handler.Dispose();

        await Assert.Single(handler.Requests).Aborted.WaitAsync(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAnyAsync<IOException>(() => stream.CopyToAsync(Stream.Null));
    }
}
