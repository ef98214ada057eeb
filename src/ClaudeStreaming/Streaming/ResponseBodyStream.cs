namespace ClaudeStreaming;

/// <summary>
/// Wraps the response body so that every read is bounded by the idle timeout and by the caller's tokens, whichever
/// ends first. One <see cref="CancellationTokenSource"/> serves the whole stream: its timer is re-armed per read, and
/// the callers' tokens are registered once per consumer rather than once per read.
/// </summary>
internal sealed class ResponseBodyStream : Stream
{
    private readonly Stream _inner;
    private readonly CancellationTokenSource _readCancellation;
    private readonly TimeSpan _idleTimeout;
    private volatile bool _callerCanceled;

    public ResponseBodyStream(Stream inner, TimeSpan idleTimeout, TimeProvider timeProvider)
    {
        _inner = inner;
        _idleTimeout = idleTimeout;
        _readCancellation = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
    }

    /// <summary>Cancels the pending and every later read because a caller's token fired.</summary>
    public void CancelByCaller()
    {
        _callerCanceled = true;
        try
        {
            _readCancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The stream was already released.
        }
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_idleTimeout != Timeout.InfiniteTimeSpan)
        {
            _readCancellation.CancelAfter(_idleTimeout);
        }

        try
        {
            return await _inner.ReadAsync(buffer, _readCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!_callerCanceled && _readCancellation.IsCancellationRequested)
        {
            throw new StreamStalledException(_idleTimeout, ex);
        }
        finally
        {
            if (_idleTimeout != Timeout.InfiniteTimeSpan && !_readCancellation.IsCancellationRequested)
            {
                _readCancellation.CancelAfter(Timeout.InfiniteTimeSpan);
            }
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("Messages streams are read asynchronously.");

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
            _readCancellation.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>No bytes arrived within the idle timeout.</summary>
internal sealed class StreamStalledException(TimeSpan idleTimeout, Exception inner)
    : TimeoutException($"No data arrived for {idleTimeout.TotalSeconds:0.###} s.", inner)
{
    public TimeSpan IdleTimeout { get; } = idleTimeout;
}
