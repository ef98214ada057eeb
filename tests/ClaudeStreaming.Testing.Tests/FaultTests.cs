using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Tests;

public sealed class FaultTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Gate_Closed_HoldsTheNextDeltaUntilReleased(Transport transport)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gateIndexes = new List<int>();
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("one two three").Gate(async (index, ct) =>
        {
            lock (gateIndexes)
            {
                gateIndexes.Add(index);
            }

            if (index == 1)
            {
                await release.Task.WaitAsync(ct);
            }
        }));

        using HttpResponseMessage response = await fake.PostAsync();
        await using Stream stream = await response.Content.ReadAsStreamAsync();
        await using IAsyncEnumerator<SseItem<string>> events = SseParser.Create(stream).EnumerateAsync().GetAsyncEnumerator();
        while (await events.MoveNextAsync() && events.Current.EventType != "content_block_delta")
        {
        }

        Assert.Equal("one", events.Current.DeltaText("text"));
        Task<bool> next = events.MoveNextAsync().AsTask();
        Assert.NotSame(next, await Task.WhenAny(next, Task.Delay(Quiet)));

        release.SetResult();
        Assert.True(await next.WaitAsync(Patience));
        Assert.Equal(" two", events.Current.DeltaText("text"));
        while (await events.MoveNextAsync())
        {
        }

        Assert.Equal([0, 1, 2], gateIndexes);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task HttpError_RateLimited_StatusJsonBodyAndHeaders(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        var headers = new Dictionary<string, string> { ["retry-after"] = "3", ["retry-after-ms"] = "2500", ["x-should-retry"] = "true" };
        fake.Enqueue(FakeReply.HttpError(429, "rate_limit_error", "Number of requests exceeded", "req_rl", headers));

        using HttpResponseMessage response = await fake.PostAsync();
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("req_rl", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("3", Assert.Single(response.Headers.GetValues("retry-after")));
        Assert.Equal("2500", Assert.Single(response.Headers.GetValues("retry-after-ms")));
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("x-should-retry")));
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
        Assert.Equal("rate_limit_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Number of requests exceeded", json.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("req_rl", json.RootElement.GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task DisconnectAfterDeltas_Two_ReadFailsWithIOExceptionAfterTwoDeltas(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("a b c d e").DisconnectAfterDeltas(2));

        using HttpResponseMessage response = await fake.PostAsync();
        await using Stream stream = await response.Content.ReadAsStreamAsync();
        var received = new List<string>();

        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await foreach (SseItem<string> item in SseParser.Create(stream).EnumerateAsync())
            {
                received.Add(item.EventType);
            }
        });

        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta"], received);
        RecordedRequest request = Assert.Single(fake.Requests);
        await request.Finished.WaitAsync(Patience);
        Assert.False(request.CompletedNormally);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task StallAfterDeltas_One_NoMoreBytesAndAbortedWhenClientLeaves(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("a b c").StallAfterDeltas(1));

        HttpResponseMessage response = await fake.PostAsync();
        Stream stream = await response.Content.ReadAsStreamAsync();
        IAsyncEnumerator<SseItem<string>> events = SseParser.Create(stream).EnumerateAsync().GetAsyncEnumerator();
        while (await events.MoveNextAsync() && events.Current.EventType != "content_block_delta")
        {
        }

        // Stalled, not gone: the connection is still open.
        RecordedRequest request = Assert.Single(fake.Requests);
        Assert.False(request.Aborted.IsCompleted);

        // Read raw bytes now: nothing more may arrive while stalled. (Cancelling this read makes HttpClient close the
        // connection, so whether the fake has seen the abort yet is a race: it is only awaited below.)
        var buffer = new byte[64];
        using var quiet = new CancellationTokenSource(Quiet);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.ReadAsync(buffer, quiet.Token).AsTask());

        response.Dispose();
        await request.Aborted.WaitAsync(Patience);
        Assert.False(request.CompletedNormally);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Aborted_ClientDisposesMidStream_CompletesAndNotCompletedNormally(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text(string.Join(' ', Enumerable.Range(0, 200))).Pace(TimeSpan.FromMilliseconds(10)));

        HttpResponseMessage response = await fake.PostAsync();
        Stream stream = await response.Content.ReadAsStreamAsync();
        IAsyncEnumerator<SseItem<string>> events = SseParser.Create(stream).EnumerateAsync().GetAsyncEnumerator();
        while (await events.MoveNextAsync() && events.Current.EventType != "content_block_delta")
        {
        }

        response.Dispose();
        RecordedRequest request = Assert.Single(fake.Requests);
        await request.Aborted.WaitAsync(Patience);
        await request.Finished.WaitAsync(Patience);
        Assert.False(request.CompletedNormally);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Finished_WholeReplyRead_CompletedNormallyAndNotAborted(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.CreateText("all of it"));

        using HttpResponseMessage response = await fake.PostAsync();
        await FakeEndpoint.ReadEventsAsync(response);

        RecordedRequest request = Assert.Single(fake.Requests);
        await request.Finished.WaitAsync(Patience);
        Assert.True(request.CompletedNormally);
        Assert.False(request.Aborted.IsCompleted);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task ErrorEventAfterDeltas_One_ErrorEventEndsTheStreamWithoutMessageStop(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("a b c").RequestId("req_e").ErrorEventAfterDeltas(1, "overloaded_error", "Overloaded"));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta", "error"], events.Select(e => e.EventType));
        JsonElement error = events[^1].Json();
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("overloaded_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("Overloaded", error.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal("req_e", error.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task ErrorEvent_AfterContent_ReplacesMessageDeltaAndStop()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create().Text("a b").ErrorEvent("api_error", "Internal"));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal("content_block_stop", events[^2].EventType);
        Assert.Equal("error", events[^1].EventType);
        Assert.DoesNotContain(events, e => e.EventType is "message_delta" or "message_stop");
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task TruncateAfterDeltas_One_BodyEndsCleanlyWithoutMessageStop(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("a b c").TruncateAfterDeltas(1));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal(["message_start", "content_block_start", "ping", "content_block_delta"], events.Select(e => e.EventType));
    }

    [Fact]
    public async Task Gate_Throws_HandlerReadFails()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create().Text("a b").Gate((index, _) => index == 1 ? throw new InvalidOperationException("boom") : Task.CompletedTask));

        using HttpResponseMessage response = await fake.PostAsync();

        await Assert.ThrowsAnyAsync<IOException>(() => FakeEndpoint.ReadEventsAsync(response));
    }
}
