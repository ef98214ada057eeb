using System.IO.Compression;
using System.Text;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Bodies that break mid-way (corrupt compression) and snapshots read from another thread, over real loopback sockets.</summary>
public sealed class HostileBodyTests
{
    private static (byte[] Body, int Valid) CompressThenCorrupt(string encoding, byte[] head)
    {
        var buffer = new MemoryStream();
        Stream compressor = encoding switch
        {
            "gzip" => new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            "deflate" => new ZLibStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
            _ => new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true),
        };
        compressor.Write(head);
        compressor.Flush(); // what was written so far decodes; the garbage after it does not
        byte[] garbage = [.. Enumerable.Range(0, 256).Select(i => (byte)(0xFF - (i % 7)))];
        return ([.. buffer.ToArray(), .. garbage], (int)buffer.Length);
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("deflate")]
    [InlineData("br")]
    public async Task CorruptCompressedBody_ThrewInvalidData_IsStreamException(string encoding)
    {
        byte[] head = Encoding.UTF8.GetBytes(SseScript.MessageStart + SseScript.TextStart + SseScript.Delta("before the damage"));
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        (byte[] body, int valid) = CompressThenCorrupt(encoding, head);
        // Two writes, so that the first read decodes the good part before the garbage arrives.
        server.Enqueue(FakeReply.Raw(body, [valid, body.Length - valid]).Header("Content-Encoding", encoding));
        using ClaudeClient client = TestClients.For(server);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());

        var pieces = new List<string>();
        var ex = await Assert.ThrowsAsync<ClaudeStreamException>(async () =>
        {
            await foreach (string piece in stream.TextStream)
            {
                pieces.Add(piece);
            }
        });

        Assert.True(ex.Failure is StreamFailure.ConnectionLost or StreamFailure.MalformedEvent, ex.Failure.ToString());
        // The decoders may refuse the whole buffered read, so how much text came before the damage varies; it is kept.
        Assert.Equal(string.Concat(pieces), ex.PartialMessage?.GetText() ?? "");
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CurrentMessage_ReadFromAnotherThreadWhileStreaming_ThrewNullReference_IsAConsistentPrefix()
    {
        string[] pieces = [.. Enumerable.Range(0, 3000).Select(i => $"w{i} ")];
        var handler = new FakeMessagesHandler();
        handler.Enqueue(FakeReply.Create().Thinking("hmm").TextDeltas(pieces).ToolUse("toolu_1", "t", """{"a":[1,2,3]}"""));
        using ClaudeClient client = TestClients.For(handler);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        using var done = new CancellationTokenSource();
        var seen = new List<string>();

        Task watcher = Task.Run(() =>
        {
            while (!done.IsCancellationRequested)
            {
                seen.Add(stream.CurrentMessage.GetText());
            }
        });
        var yielded = new StringBuilder();
        await foreach (string piece in stream.TextStream)
        {
            yielded.Append(piece);
        }

        await done.CancelAsync();
        await watcher;

        string final = (await stream.GetFinalMessageAsync()).GetText();
        Assert.Equal(string.Concat(pieces), final);
        Assert.Equal(final, yielded.ToString());
        Assert.NotEmpty(seen);
        Assert.All(seen, text => Assert.StartsWith(text, final, StringComparison.Ordinal));
        for (int i = 1; i < seen.Count; i++)
        {
            Assert.True(seen[i].Length >= seen[i - 1].Length, "a later snapshot had less text");
        }
    }
}
