using System.Buffers;
using System.IO.Pipelines;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>
/// The response body of <see cref="FakeMessagesHandler"/>: a read-only stream over a pipe that a background task
/// writes, so pacing, gates, stalls and disconnects reach the reader as they would over a socket.
/// </summary>
internal sealed class InMemoryResponseStream(PipeReader reader, Action onDispose) : Stream
{
    private volatile bool _disconnected;
    private int _disposed;

    public override bool CanRead => _disposed == 0;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Makes the read after the last buffered byte fail, as a dropped connection does.</summary>
    public void MarkDisconnected() => _disconnected = true;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> data = result.Buffer;
            if (!data.IsEmpty)
            {
                int count = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, count).CopyTo(buffer.Span);
                reader.AdvanceTo(data.GetPosition(count));
                return count;
            }

            reader.AdvanceTo(data.Start, data.End);
            if (result.IsCompleted)
            {
                // Like SocketsHttpHandler when a connection drops mid-body: buffered bytes first, then this.
                return _disconnected
                    ? throw new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely: the fake Messages API dropped the connection.")
                    : 0;
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            // The client going away: stop the writer first, then release the pipe.
            onDispose();
            reader.Complete();
        }

        base.Dispose(disposing);
    }
}
