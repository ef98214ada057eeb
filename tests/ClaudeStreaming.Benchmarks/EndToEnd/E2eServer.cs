using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using ClaudeStreaming.Benchmarks.Workloads;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeStreaming.Benchmarks.EndToEnd;

/// <summary>
/// A fake Messages API on Kestrel (127.0.0.1, a free port), run in its own process so that its memory does not count
/// as the client's. Each text delta is written and flushed on its own, and the time it left (Stopwatch timestamp after
/// the flush completed, CLOCK_MONOTONIC, so comparable across processes) is kept per stream and sequence number.
/// Control endpoints set the scenario, release held streams, hand out the timestamps and shut the server down.
/// </summary>
internal sealed class E2eServer
{
    private readonly ConcurrentDictionary<int, long[]> _sent = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _releaseCount;
    private int _nextId;
    private E2eScenario? _scenario;
    private byte[][] _events = [];
    private bool[] _isDelta = [];

    public static async Task<int> RunAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseSockets(o => o.Backlog = 4096);
        builder.WebHost.ConfigureKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Limits.MaxConcurrentConnections = null;
            o.Limits.MinResponseDataRate = null;
        });
        await using WebApplication app = builder.Build();
        var server = new E2eServer();
        app.Run(server.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Console.WriteLine("LISTENING " + address);
        Console.Out.Flush();

        // Stop on /control/shutdown, or when the parent closes our stdin (it died).
        var stdinClosed = Task.Run(() => Console.In.ReadToEnd());
        await Task.WhenAny(server._shutdown.Task, stdinClosed).ConfigureAwait(false);
        await app.StopAsync().ConfigureAwait(false);
        return 0;
    }

    private Task HandleAsync(HttpContext ctx) => ctx.Request.Path.Value switch
    {
        "/v1/messages" when HttpMethods.IsPost(ctx.Request.Method) => StreamAsync(ctx),
        "/control/scenario" => SetScenarioAsync(ctx),
        "/control/release" => ReleaseAsync(ctx),
        "/control/timestamps" => TimestampsAsync(ctx),
        "/control/shutdown" => ShutdownAsync(ctx),
        _ => NotFoundAsync(ctx),
    };

    private static Task NotFoundAsync(HttpContext ctx)
    {
        ctx.Response.StatusCode = 404;
        return Task.CompletedTask;
    }

    private Task SetScenarioAsync(HttpContext ctx)
    {
        E2eScenario scenario = E2eScenario.FromQuery(ctx.Request.Query);
        Workload workload = scenario.CreateWorkload();
        lock (_gate)
        {
            _scenario = scenario;
            _events = workload.Events.Select(e => Encoding.UTF8.GetBytes(e.Text)).ToArray();
            _isDelta = workload.Events.Select(e => e.DeltaType == "text_delta").ToArray();
            _sent.Clear();
            _releaseCount = 0;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private Task ReleaseAsync(HttpContext ctx)
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            _releaseCount++;
            old = _released;
            _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        old.TrySetResult();
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private async Task WaitForReleaseAsync(int count, CancellationToken ct)
    {
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_releaseCount >= count)
                {
                    return;
                }

                wait = _released.Task;
            }

            await wait.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>Binary: for each stream, its id, its delta count, then that many send timestamps (little-endian int32/int64).</summary>
    private async Task TimestampsAsync(HttpContext ctx)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, Encoding.UTF8, leaveOpen: true))
        {
            foreach ((int id, long[] ts) in _sent)
            {
                w.Write(id);
                w.Write(ts.Length);
                foreach (long t in ts)
                {
                    w.Write(t);
                }
            }
        }

        ctx.Response.ContentType = "application/octet-stream";
        await ctx.Response.Body.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length), ctx.RequestAborted).ConfigureAwait(false);
    }

    private Task ShutdownAsync(HttpContext ctx)
    {
        _shutdown.TrySetResult();
        ctx.Response.StatusCode = 204;
        return Task.CompletedTask;
    }

    private async Task StreamAsync(HttpContext ctx)
    {
        CancellationToken ct = ctx.RequestAborted;
        await ctx.Request.Body.CopyToAsync(Stream.Null, ct).ConfigureAwait(false);

        E2eScenario scenario;
        byte[][] events;
        bool[] isDelta;
        lock (_gate)
        {
            scenario = _scenario ?? throw new InvalidOperationException("No scenario set.");
            events = _events;
            isDelta = _isDelta;
        }

        int id = Interlocked.Increment(ref _nextId);
        long[] sent = new long[scenario.Deltas];
        _sent[id] = sent;

        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/event-stream; charset=utf-8";
        ctx.Response.Headers.CacheControl = "no-cache";
        ctx.Response.Headers["request-id"] = "req_e2e_" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        // The first event is message_start; give each stream its own message id so the client can find its timestamps.
        string start = Encoding.UTF8.GetString(events[0]).Replace("msg_e2e_0", "msg_e2e_" + id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await ctx.Response.BodyWriter.WriteAsync(Encoding.UTF8.GetBytes(start), ct).ConfigureAwait(false);

        int seq = 0;
        int holdIndex = 0;
        for (int i = 1; i < events.Length; i++)
        {
            // PipeWriter.WriteAsync writes and flushes: each event leaves on its own.
            await ctx.Response.BodyWriter.WriteAsync(events[i], ct).ConfigureAwait(false);
            if (!isDelta[i])
            {
                continue;
            }

            sent[seq++] = Stopwatch.GetTimestamp();
            if (holdIndex < scenario.Holds.Count && seq == scenario.Holds[holdIndex])
            {
                holdIndex++;
                await WaitForReleaseAsync(holdIndex, ct).ConfigureAwait(false);
            }

            if (scenario.PaceEvery > 0 && seq % scenario.PaceEvery == 0 && scenario.PaceMs > 0)
            {
                await Task.Delay(scenario.PaceMs, ct).ConfigureAwait(false);
            }
        }
    }
}
