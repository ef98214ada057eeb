using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClaudeStreaming.Tests;

/// <summary>
/// A deliberately small HTTP/1.1 server on a raw loopback socket, for faults that a well-behaved server (Kestrel) will
/// not produce: redirects to another listener, the key echoed in headers and invalid header lines, bodies that stall or
/// trickle, corrupt compression. Each accepted connection runs the script given to <see cref="Start"/>.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly Func<HostileConnection, Task> _script;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<Task> _connections = new();
    private readonly Task _acceptLoop;
    private int _connectionCount;

    private HostileServer(Func<HostileConnection, Task> script)
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/");
        _acceptLoop = AcceptAsync();
    }

    public Uri BaseAddress { get; }

    /// <summary>How many connections reached this server.</summary>
    public int ConnectionCount => Volatile.Read(ref _connectionCount);

    /// <summary>The raw request heads (request line and headers) received, in order.</summary>
    public ConcurrentQueue<string> RequestHeads { get; } = new();

    /// <summary>Completes with the first accepted connection.</summary>
    public TaskCompletionSource<HostileConnection> FirstConnection { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static HostileServer Start(Func<HostileConnection, Task> script) => new(script);

    /// <summary>A server that answers every request with these raw response bytes and then closes the connection.</summary>
    public static HostileServer Respond(string rawResponse) => Start(async c =>
    {
        await c.ReadRequestAsync();
        await c.WriteAsync(rawResponse);
    });

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception)
        {
            // Stopping the listener ends the accept loop with an exception.
        }

        foreach (Task connection in _connections)
        {
            try
            {
                await connection;
            }
            catch (Exception)
            {
                // A script ended by the client closing is not a failure of the test.
            }
        }

        _stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket = await _listener.AcceptSocketAsync(_stopping.Token);
            Interlocked.Increment(ref _connectionCount);
            var connection = new HostileConnection(socket, this, _stopping.Token);
            FirstConnection.TrySetResult(connection);
            _connections.Enqueue(RunAsync(connection));
        }
    }

    private async Task RunAsync(HostileConnection connection)
    {
        using (connection)
        {
            await _script(connection);
        }
    }

    internal sealed class HostileConnection : IDisposable
    {
        private readonly Socket _socket;
        private readonly HostileServer _server;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private readonly MemoryStream _pending = new();

        public HostileConnection(Socket socket, HostileServer server, CancellationToken stopping)
        {
            _socket = socket;
            _server = server;
            Stopping = stopping;
        }

        /// <summary>Canceled when the server is disposed: the end of any stall.</summary>
        public CancellationToken Stopping { get; }

        /// <summary>Reads one request (head, and a body by Content-Length or chunked) and returns its head.</summary>
        public async Task<string> ReadRequestAsync()
        {
            int headEnd;
            while ((headEnd = IndexOf(_pending, "\r\n\r\n"u8)) < 0)
            {
                await FillAsync();
            }

            string head = Encoding.Latin1.GetString(_pending.GetBuffer(), 0, headEnd);
            Consume(headEnd + 4);
            _server.RequestHeads.Enqueue(head);
            string lower = head.ToLowerInvariant();
            if (lower.Contains("transfer-encoding: chunked"))
            {
                while (IndexOf(_pending, "\r\n0\r\n\r\n"u8) < 0 && !StartsWith(_pending, "0\r\n\r\n"u8))
                {
                    await FillAsync();
                }

                Consume((int)_pending.Length);
            }
            else if (System.Text.RegularExpressions.Regex.Match(lower, @"content-length: *(\d+)") is { Success: true } m)
            {
                int length = int.Parse(m.Groups[1].Value);
                while (_pending.Length < length)
                {
                    await FillAsync();
                }

                Consume(length);
            }

            return head;
        }

        public Task WriteAsync(string text) => WriteAsync(Encoding.UTF8.GetBytes(text));

        public async Task WriteAsync(byte[] bytes) => await _socket.SendAsync(bytes, SocketFlags.None, Stopping);

        /// <summary>Waits until the server is disposed, sending nothing.</summary>
        public async Task StallAsync()
        {
            try
            {
                await Task.Delay(Timeout.Infinite, Stopping);
            }
            catch (OperationCanceledException)
            {
            }
        }

        /// <summary>Completes when the client closes (or resets) the connection; its result is whether it did before the server stopped.</summary>
        public async Task<bool> WaitForClientCloseAsync()
        {
            try
            {
                while (await _socket.ReceiveAsync(_buffer, SocketFlags.None, Stopping) > 0)
                {
                }

                return true;
            }
            catch (SocketException)
            {
                return true;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        public void Dispose() => _socket.Dispose();

        private async Task FillAsync()
        {
            int n = await _socket.ReceiveAsync(_buffer, SocketFlags.None, Stopping);
            if (n == 0)
            {
                throw new IOException("The client closed the connection mid-request.");
            }

            _pending.Write(_buffer, 0, n);
        }

        private void Consume(int count)
        {
            byte[] rest = _pending.GetBuffer().AsSpan(count, (int)_pending.Length - count).ToArray();
            _pending.SetLength(0);
            _pending.Write(rest);
        }

        private static int IndexOf(MemoryStream stream, ReadOnlySpan<byte> value) =>
            stream.GetBuffer().AsSpan(0, (int)stream.Length).IndexOf(value);

        private static bool StartsWith(MemoryStream stream, ReadOnlySpan<byte> value) =>
            stream.GetBuffer().AsSpan(0, (int)stream.Length).StartsWith(value);
    }
}
