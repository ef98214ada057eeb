using System.Buffers;

namespace ClaudeStreaming;

/// <summary>
/// Wraps the response body so that every read is bounded by the idle timeout and by the caller's tokens, whichever
/// ends first.
/// </summary>
/// <remarks>
/// The SSE parser reads a few hundred bytes at a time, so re-arming a timer per read cost a measurable share of the
/// text path. Instead each read stamps its start time, and one periodic timer per stream cancels a read that has been
/// waiting longer than the idle timeout. The callers' tokens are registered once per consumer, not once per read.
/// </remarks>
internal sealed class ResponseBodyStream : Stream
{
    private readonly Stream _inner;
    private readonly CancellationTokenSource _readCancellation = new();
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer? _idleTimer;
    private long _readStartedAt;
    private volatile bool _callerCanceled;
    private volatile bool _stalled;

    public ResponseBodyStream(Stream inner, TimeSpan idleTimeout, TimeProvider timeProvider)
    {
        _inner = inner;
        _idleTimeout = idleTimeout;
        _timeProvider = timeProvider;
        if (idleTimeout != Timeout.InfiniteTimeSpan)
        {
            // Checked four times per timeout: a stall is reported between 1 and 1.25 timeouts after the last byte.
            TimeSpan period = TimeSpan.FromTicks(Math.Max(idleTimeout.Ticks / 4, TimeSpan.TicksPerMillisecond));
            _idleTimer = timeProvider.CreateTimer(static s => ((ResponseBodyStream)s!).CheckIdle(), this, period, period);
        }
    }

    /// <summary>Cancels the pending and every later read because a caller's token fired.</summary>
    public void CancelByCaller()
    {
        _callerCanceled = true;
        TryCancel();
    }

    private void CheckIdle()
    {
        long started = Volatile.Read(ref _readStartedAt);
        if (started != 0 && _timeProvider.GetElapsedTime(started) >= _idleTimeout)
        {
            _stalled = true;
            TryCancel();
        }
    }

    private void TryCancel()
    {
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
        if (_idleTimer is not null)
        {
            Volatile.Write(ref _readStartedAt, _timeProvider.GetTimestamp());
        }

        try
        {
            return await _inner.ReadAsync(buffer, _readCancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (_stalled && !_callerCanceled)
        {
            throw new StreamStalledException(_idleTimeout, ex);
        }
        finally
        {
            if (_idleTimer is not null)
            {
                Volatile.Write(ref _readStartedAt, 0);
            }
        }
    }

    /// <summary>
    /// Reads the body to its end so that HTTP/1.1 can return the connection to the pool, giving up after
    /// <paramref name="maxBytes"/> bytes or <paramref name="maxWait"/>; never throws.
    /// </summary>
    /// <returns><see langword="true"/> when the end of the body was reached.</returns>
    /// <remarks>No timer is created when the end is already buffered, the usual case: the terminator follows message_stop at once.</remarks>
    public async ValueTask<bool> DrainAsync(int maxBytes, TimeSpan maxWait)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1024);
        ITimer? timer = null;
        try
        {
            int total = 0;
            while (total <= maxBytes)
            {
                ValueTask<int> read = _inner.ReadAsync(buffer, _readCancellation.Token);
                if (!read.IsCompleted && timer is null)
                {
                    timer = _timeProvider.CreateTimer(static s => ((ResponseBodyStream)s!).TryCancel(), this, maxWait, Timeout.InfiniteTimeSpan);
                }

                int n = await read.ConfigureAwait(false);
                if (n == 0)
                {
                    return true;
                }

                total += n;
            }

            return false;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or HttpRequestException or InvalidDataException or InvalidOperationException)
        {
            // A body that failed after message_stop loses nothing: the connection is closed instead of pooled.
            return false;
        }
        finally
        {
            timer?.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
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
            _idleTimer?.Dispose();
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
