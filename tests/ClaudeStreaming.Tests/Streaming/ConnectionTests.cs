using System.Diagnostics;
using ClaudeStreaming.Testing;
using Xunit.Abstractions;

namespace ClaudeStreaming.Tests;

/// <summary>Connections over real loopback sockets: pooled after a completed stream, closed at once after an unfinished one.</summary>
public sealed class ConnectionTests(ITestOutputHelper output)
{
    private static ClaudeClient ClientFor(LoopbackSseServer server) =>
        new(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = server.BaseAddress, MaxRetries = 0 });

    [Fact]
    public async Task CompletedChunkedStream_ReleasedBeforeTerminatingChunk_SequentialStreamsReuseOneConnection()
    {
        await using var server = new LoopbackSseServer(SseScript.TextEvents("Hello", " world"));
        using ClaudeClient client = ClientFor(server);

        for (int i = 0; i < 300; i++)
        {
            await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
            Assert.Equal("Hello world", await stream.GetFinalTextAsync());
        }

        output.WriteLine($"300 sequential streams: {server.Accepted} connection(s) accepted");
        Assert.Equal(300, server.Requests);
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task CancellingTheToken_WhileNotReading_ClosesTheConnectionAtOnce()
    {
        await using var server = new LoopbackSseServer(SseScript.TextEvents("a", "b", "c", "d"), holdAfterEvents: 4);
        using ClaudeClient client = ClientFor(server);
        using var cts = new CancellationTokenSource();
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request(), cts.Token);
        await foreach (string piece in stream.TextStream)
        {
            break; // nobody reads from here on
        }

        Assert.Equal(1, server.Open);
        cts.Cancel();

        Assert.Equal(0, await server.WaitForOpenAtMostAsync(0, TimeSpan.FromSeconds(10)));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.GetFinalMessageAsync());
    }

    public enum Ending
    {
        BreakThenDispose,
        Cancellation,
        Dispose,
    }

    [Theory]
    [InlineData(Ending.BreakThenDispose)]
    [InlineData(Ending.Cancellation)]
    [InlineData(Ending.Dispose)]
    public async Task ThousandUnfinishedStreams_LeaveNoServerConnectionOpen(Ending ending)
    {
        await using var server = new LoopbackSseServer(SseScript.TextEvents("a", "b", "c", "d"), holdAfterEvents: 4);
        using ClaudeClient client = ClientFor(server);
        var watch = Stopwatch.StartNew();

        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, _) =>
        {
            using var cts = new CancellationTokenSource();
            MessageStream stream = await client.Messages.StreamAsync(TestClients.Request(), cts.Token);
            switch (ending)
            {
                case Ending.BreakThenDispose:
                    await foreach (string piece in stream.TextStream)
                    {
                        Assert.Equal("a", piece);
                        break;
                    }

                    await stream.DisposeAsync();
                    break;
                case Ending.Cancellation:
                    await using (IAsyncEnumerator<string> reader = stream.TextStream.GetAsyncEnumerator(cts.Token))
                    {
                        Assert.True(await reader.MoveNextAsync());
                        await cts.CancelAsync();
                        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.MoveNextAsync());
                    }

                    break;
                case Ending.Dispose:
                    await stream.DisposeAsync();
                    break;
            }
        });

        int open = await server.WaitForOpenAtMostAsync(0, TimeSpan.FromSeconds(20));
        output.WriteLine($"1,000 streams ended by {ending}: {server.Accepted} connections accepted, {open} open afterwards, {watch.ElapsedMilliseconds} ms");
        Assert.Equal(1000, server.Requests);
        Assert.Equal(0, open);
    }

    [Fact]
    public async Task TwoHundredConcurrentStreams_OneClient_AllGetTheirText()
    {
        await using var server = new LoopbackSseServer(SseScript.TextEvents("con", "current", " text"));
        using ClaudeClient client = ClientFor(server);

        string[] texts = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
            var pieces = new List<string>();
            await foreach (string piece in stream.TextStream)
            {
                pieces.Add(piece);
            }

            return string.Concat(pieces);
        }));

        output.WriteLine($"200 concurrent streams: {server.Accepted} connections accepted");
        Assert.All(texts, t => Assert.Equal("concurrent text", t));
        Assert.Equal(200, server.Requests);
    }

    [Fact]
    public async Task EightMegabyteSingleDelta_ArrivesWhole()
    {
        string big = string.Create(8 * 1024 * 1024, 0, static (span, _) =>
        {
            for (int i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().TextDeltas(big));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var pieces = new List<string>();
        await foreach (string piece in stream.TextStream)
        {
            pieces.Add(piece);
        }

        Assert.Equal(big, Assert.Single(pieces));
        Assert.Equal(big, (await stream.GetFinalMessageAsync()).GetText());
    }
}
