using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClaudeStreaming.Tests;

/// <summary>
/// A raw HTTP/1.1 server on 127.0.0.1 that answers every request with a chunked SSE reply and counts its connections
/// (accepted and still open), which FakeMessagesServer does not expose. Keep-alive: a connection serves requests until
/// the client closes it. With <c>holdAfterEvents</c> the reply stops after that many events and waits for the client
/// to close the connection (an unfinished stream).
/// </summary>
internal sealed class LoopbackSseServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly byte[][] _events;
    private readonly int _holdAfterEvents;
    private readonly List<Task> _connections = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _accepted;
    private int _open;
    private int _requests;
    private readonly Task _acceptLoop;

    public LoopbackSseServer(IReadOnlyList<string> events, int holdAfterEvents = -1)
    {
        _events = [.. events.Select(e => Encoding.UTF8.GetBytes(e))];
        _holdAfterEvents = holdAfterEvents;
        _listener.Start(1024);
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    public int Accepted => Volatile.Read(ref _accepted);

    public int Open => Volatile.Read(ref _open);

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Waits until at most <paramref name="open"/> connections are open (signalled, not polled on a timer).</summary>
    public async Task<int> WaitForOpenAtMostAsync(int open, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (Open <= open)
            {
                return Open;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                return Open;
            }
        }
    }

    private void Changed()
    {
        lock (_gate)
        {
            _changed.TrySetResult();
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            socket.NoDelay = true;
            Interlocked.Increment(ref _accepted);
            Interlocked.Increment(ref _open);
            Changed();
            lock (_connections)
            {
                _connections.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        try
        {
            using var stream = new NetworkStream(socket, ownsSocket: true);
            var reader = new RequestReader(stream);
            while (await reader.ReadRequestAsync(_stop.Token))
            {
                Interlocked.Increment(ref _requests);
                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\nrequest-id: req_loopback\r\n\r\n"u8.ToArray(), _stop.Token);
                for (int i = 0; i < _events.Length; i++)
                {
                    if (i == _holdAfterEvents)
                    {
                        // An unfinished stream: wait for the client to close the connection.
                        await reader.WaitForCloseAsync(_stop.Token);
                        return;
                    }

                    await WriteChunkAsync(stream, _events[i]);
                }

                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stop.Token);
            }
        }
        catch (Exception)
        {
            // The client closed the connection.
        }
        finally
        {
            Interlocked.Decrement(ref _open);
            Changed();
        }
    }

    private async Task WriteChunkAsync(NetworkStream stream, byte[] data)
    {
        byte[] header = Encoding.ASCII.GetBytes($"{data.Length:X}\r\n");
        await stream.WriteAsync(header, _stop.Token);
        await stream.WriteAsync(data, _stop.Token);
        await stream.WriteAsync("\r\n"u8.ToArray(), _stop.Token);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _acceptLoop;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }

    /// <summary>Reads HTTP/1.1 requests (headers, then a Content-Length or chunked body) from one connection.</summary>
    private sealed class RequestReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<bool> ReadRequestAsync(CancellationToken cancellationToken)
        {
            string? headers = await ReadUntilAsync("\r\n\r\n"u8.ToArray(), cancellationToken);
            if (headers is null)
            {
                return false;
            }

            string lower = headers.ToLowerInvariant();
            if (lower.Contains("transfer-encoding: chunked", StringComparison.Ordinal))
            {
                while (true)
                {
                    string? size = await ReadUntilAsync("\r\n"u8.ToArray(), cancellationToken);
                    if (size is null)
                    {
                        return false;
                    }

                    int length = Convert.ToInt32(size.Split(';')[0].Trim(), 16);
                    if (!await SkipAsync(length + 2, cancellationToken))
                    {
                        return false;
                    }

                    if (length == 0)
                    {
                        return true;
                    }
                }
            }

            int at = lower.IndexOf("content-length:", StringComparison.Ordinal);
            int contentLength = at < 0 ? 0 : int.Parse(lower[(at + 15)..].Split('\r')[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            return await SkipAsync(contentLength, cancellationToken);
        }

        public async Task WaitForCloseAsync(CancellationToken cancellationToken)
        {
            while (await stream.ReadAsync(_buffer, cancellationToken) > 0)
            {
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            int n = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            _end += n;
            return n > 0;
        }

        private async Task<string?> ReadUntilAsync(byte[] delimiter, CancellationToken cancellationToken)
        {
            while (true)
            {
                int at = _buffer.AsSpan(_start, _end - _start).IndexOf(delimiter);
                if (at >= 0)
                {
                    string text = Encoding.ASCII.GetString(_buffer, _start, at);
                    _start += at + delimiter.Length;
                    return text;
                }

                if (!await FillAsync(cancellationToken))
                {
                    return null;
                }
            }
        }

        private async Task<bool> SkipAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count)
            {
                count -= _end - _start;
                _start = _end;
                if (!await FillAsync(cancellationToken))
                {
                    return false;
                }
            }

            _start += count;
            return true;
        }
    }
}
