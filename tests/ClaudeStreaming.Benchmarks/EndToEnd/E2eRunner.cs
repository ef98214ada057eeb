using System.Diagnostics;
using System.Globalization;
using System.Text;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.EndToEnd;

/// <summary>
/// <c>--e2e</c>: both clients against the Kestrel server in a child process, in one run. (a) added latency of one
/// paced long-text stream, (b) many concurrent streams through one client (correctness, p99 latency, memory per open
/// stream while all are held open), (c) ClaudeStreaming's managed heap while a stream is held open after 2,000 and after
/// 20,000 deltas. Prints markdown; exits non-zero when a stream delivers the wrong text.
/// </summary>
public static class E2eRunner
{
    public sealed record Options
    {
        public int LatencyDeltas { get; init; } = 20_000;
        public int LatencyPaceEvery { get; init; } = 4;
        public int LatencyPaceMs { get; init; } = 1;
        public int Streams { get; init; } = 1_000;
        public int ConcurrentDeltas { get; init; } = 300;
        public int ConcurrentPaceMs { get; init; } = 20;
        public string? Only { get; init; }

        public static Options Parse(string[] args)
        {
            var o = new Options();
            for (int i = 0; i < args.Length - 1; i++)
            {
                int Next() => int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                o = args[i] switch
                {
                    "--streams" => o with { Streams = Next() },
                    "--latency-deltas" => o with { LatencyDeltas = Next() },
                    "--concurrent-deltas" => o with { ConcurrentDeltas = Next() },
                    "--concurrent-pace-ms" => o with { ConcurrentPaceMs = Next() },
                    "--only" => o with { Only = args[i + 1] },
                    _ => o,
                };
            }

            return o;
        }
    }

    private sealed record Latency(double P50, double P99, double P999, double Max, double Mean, int Samples, int Negative);

    public static async Task<int> RunAsync(Options options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        await using ServerProcess server = await ServerProcess.StartAsync().ConfigureAwait(false);
        var report = new StringBuilder();
        bool allCorrect = true;
        Console.Error.WriteLine($"server at {server.Address}; Stopwatch.Frequency {Stopwatch.Frequency}");

        var factories = new List<(string Name, Func<IE2eClient> Create)>
        {
            ("ClaudeStreaming_TextStream", () => new ClaudeStreamingE2eClient(server.Address)),
            ("Official_EventLoop", () => new OfficialE2eClient(server.Address)),
        };
        if (options.Only is not null)
        {
            factories.RemoveAll(f => !f.Name.Contains(options.Only, StringComparison.OrdinalIgnoreCase));
        }

        // JIT is process-wide: warm every client's path before measuring any, so that the client measured first is not
        // the one that pays for tiering (seen as a p99 that followed the running order rather than the client).
        foreach ((string _, Func<IE2eClient> create) in factories)
        {
            using IE2eClient client = create();
            await WarmUpAsync(server, client, rounds: 20).ConfigureAwait(false);
        }

        // (a) one paced stream, latency per delta.
        var latencyScenario = new E2eScenario(options.LatencyDeltas, options.LatencyPaceEvery, options.LatencyPaceMs, []);
        report.AppendLine(CultureInfo.InvariantCulture, $"### (a) Added latency, one stream: {options.LatencyDeltas:N0} text_deltas, each written and flushed on its own, a {options.LatencyPaceMs} ms pause after every {options.LatencyPaceEvery}")
            .AppendLine()
            .AppendLine("Time from the server's flush completing to the delta reaching the caller's `await foreach` body (µs).")
            .AppendLine()
            .AppendLine("| Client | p50 µs | p99 µs | p99.9 µs | max µs | mean µs | deltas | text |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        // Rounds in alternating order, pooled per client: whichever client is measured first in a process pays for
        // tiering and cache warm-up at p99, so a fixed order measured the order rather than the client.
        const int LatencyRounds = 4;
        var clients = factories.Select(f => (f.Name, Client: f.Create())).ToList();
        var pooled = clients.ToDictionary(c => c.Name, _ => new List<(E2eOutcome, long[])>());
        var sentByClient = clients.ToDictionary(c => c.Name, _ => new Dictionary<int, long[]>());
        var correctByClient = clients.ToDictionary(c => c.Name, _ => true);
        try
        {
            foreach ((string _, IE2eClient client) in clients)
            {
                await WarmUpAsync(server, client).ConfigureAwait(false);
            }

            Workload expected = latencyScenario.CreateWorkload();
            for (int round = 0; round < LatencyRounds; round++)
            {
                IEnumerable<(string Name, IE2eClient Client)> order = round % 2 == 0 ? clients : Enumerable.Reverse(clients);
                foreach ((string name, IE2eClient client) in order)
                {
                    await server.SetScenarioAsync(latencyScenario).ConfigureAwait(false);
                    long[] received = new long[latencyScenario.Deltas];
                    E2eOutcome outcome = await client.RunStreamAsync(received, null, CancellationToken.None).ConfigureAwait(false);
                    foreach ((int id, long[] stamps) in await server.GetTimestampsAsync().ConfigureAwait(false))
                    {
                        sentByClient[name][id] = stamps;
                    }

                    correctByClient[name] &= outcome.Text == expected.Expected.Text && outcome.Deltas == latencyScenario.Deltas;
                    pooled[name].Add((outcome, received));
                }
            }
        }
        finally
        {
            foreach ((string _, IE2eClient client) in clients)
            {
                client.Dispose();
            }
        }

        foreach ((string name, IE2eClient _) in clients)
        {
            bool ok = correctByClient[name];
            allCorrect &= ok;
            Latency l = Stats(Latencies(pooled[name], sentByClient[name]));
            report.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {l.P50:N1} | {l.P99:N1} | {l.P999:N1} | {l.Max:N1} | {l.Mean:N1} | {l.Samples:N0} | {(ok ? "correct" : "WRONG")} |");
            Console.Error.WriteLine($"(a) {name}: p50 {l.P50:N1} µs p99 {l.P99:N1} µs ({l.Negative} samples with the client ahead of the server's post-flush stamp, counted as 0)");
        }

        report.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"{LatencyRounds} rounds per client in alternating order (A B, B A, ...), all deltas pooled.");

        // (b) many concurrent streams through one client, held open halfway.
        int hold = options.ConcurrentDeltas / 2;
        var concurrentScenario = new E2eScenario(options.ConcurrentDeltas, 1, options.ConcurrentPaceMs, [hold]);
        report.AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"### (b) {options.Streams:N0} concurrent streams through one client: {options.ConcurrentDeltas} text_deltas each, one every {options.ConcurrentPaceMs} ms, all held open after delta {hold}")
            .AppendLine()
            .AppendLine("Memory per open stream = (after all streams reached the hold − before any started) / streams, forced full GC before each reading. Client process only; the server runs in another process.")
            .AppendLine()
            .AppendLine("| Client | completed correct | p50 µs | p99 µs | p99.9 µs | managed heap / open stream | working set / open stream | wall s |")
            .AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach ((string name, Func<IE2eClient> create) in factories)
        {
            using IE2eClient client = create();
            await WarmUpAsync(server, client).ConfigureAwait(false);
            await server.SetScenarioAsync(concurrentScenario).ConfigureAwait(false);
            Workload expected = concurrentScenario.CreateWorkload();
            long[][] received = Enumerable.Range(0, options.Streams).Select(_ => new long[concurrentScenario.Deltas]).ToArray();
            var allHeld = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int reached = 0;
            void OnDelta(int seq, long chars)
            {
                if (seq == hold && Interlocked.Increment(ref reached) == options.Streams)
                {
                    allHeld.TrySetResult();
                }
            }

            (long heap0, long ws0) = Snapshot();
            var wall = Stopwatch.StartNew();
            Task<E2eOutcome>[] tasks = received.Select(r => Task.Run(() => client.RunStreamAsync(r, OnDelta, CancellationToken.None))).ToArray();
            Task first = await Task.WhenAny(allHeld.Task, Task.WhenAll(tasks), Task.Delay(TimeSpan.FromMinutes(3))).ConfigureAwait(false);
            if (first != allHeld.Task)
            {
                throw new InvalidOperationException($"{name}: only {reached} of {options.Streams} streams reached the hold point.");
            }

            await Task.Delay(500).ConfigureAwait(false);
            (long heap1, long ws1) = Snapshot();
            await server.ReleaseAsync().ConfigureAwait(false);
            E2eOutcome[] outcomes = await Task.WhenAll(tasks).ConfigureAwait(false);
            wall.Stop();
            Dictionary<int, long[]> sent = await server.GetTimestampsAsync().ConfigureAwait(false);
            int correct = outcomes.Count(o => o.Text == expected.Expected.Text && o.Deltas == concurrentScenario.Deltas);
            allCorrect &= correct == options.Streams;
            Latency l = Stats(Latencies(outcomes.Zip(received), sent));
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {name} | {correct:N0} / {options.Streams:N0} | {l.P50:N0} | {l.P99:N0} | {l.P999:N0} | {Kb((heap1 - heap0) / (double)options.Streams)} | {Kb((ws1 - ws0) / (double)options.Streams)} | {wall.Elapsed.TotalSeconds:N1} |");
            Console.Error.WriteLine($"(b) {name}: {correct}/{options.Streams} correct, p99 {l.P99:N0} µs, heap/stream {Kb((heap1 - heap0) / (double)options.Streams)}");
        }

        // (c) ClaudeStreaming's accumulation: heap held while the stream is open after 2,000 and after 20,000 deltas.
        if (options.Only is null || "ClaudeStreaming".Contains(options.Only, StringComparison.OrdinalIgnoreCase))
        {
            report.AppendLine().Append(await HeldMemoryAsync(server).ConfigureAwait(false));
        }

        output.Write(report.ToString());
        output.WriteLine();
        output.WriteLine(allCorrect ? "All e2e streams delivered the right text." : "SOME E2E STREAMS DELIVERED THE WRONG TEXT.");
        return allCorrect ? 0 : 1;
    }

    private static async Task<string> HeldMemoryAsync(ServerProcess server)
    {
        int[] holds = [2_000, 20_000];
        var scenario = new E2eScenario(20_000, 0, 0, holds);
        using var client = new ClaudeStreamingE2eClient(server.Address);
        await WarmUpAsync(server, client).ConfigureAwait(false);
        await server.SetScenarioAsync(scenario).ConfigureAwait(false);
        Workload expected = scenario.CreateWorkload();
        var reachedHold = holds.Select(_ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        long[] received = new long[scenario.Deltas];

        (long heap0, _) = Snapshot();
        Task<E2eOutcome> run = Task.Run(() => client.RunStreamAsync(received, (seq, chars) =>
        {
            int k = Array.IndexOf(holds, seq);
            if (k >= 0)
            {
                reachedHold[k].TrySetResult(chars);
            }
        }, CancellationToken.None));

        var sb = new StringBuilder();
        sb.AppendLine("### (c) ClaudeStreaming: managed heap held by one open stream")
            .AppendLine()
            .AppendLine("The server holds the stream open after delta N; the client has consumed N text deltas through TextStream and is waiting in its `await foreach`. Held = GC.GetTotalMemory(true) then − before the stream started.")
            .AppendLine()
            .AppendLine("| after deltas | text so far (chars) | text as UTF-16 | managed heap held | held / text bytes | held − 2×text, per delta |")
            .AppendLine("|---:|---:|---:|---:|---:|---:|");
        for (int k = 0; k < holds.Length; k++)
        {
            long chars = await reachedHold[k].Task.WaitAsync(TimeSpan.FromMinutes(2)).ConfigureAwait(false);
            await Task.Delay(300).ConfigureAwait(false);
            (long heap, _) = Snapshot();
            long held = heap - heap0;
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"| {holds[k]:N0} | {chars:N0} | {Kb(chars * 2)} | {Kb(held)} | {held / (chars * 2.0):N2} | {(held - chars * 2) / (double)holds[k]:N0} B |");
            await server.ReleaseAsync().ConfigureAwait(false);
        }

        E2eOutcome outcome = await run.ConfigureAwait(false);
        bool ok = outcome.Text == expected.Expected.Text;
        sb.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"Final text {(ok ? "correct" : "WRONG")} ({outcome.Text.Length:N0} chars).");
        return sb.ToString();
    }

    /// <summary>JIT both paths and open a connection before anything is measured.</summary>
    private static async Task WarmUpAsync(ServerProcess server, IE2eClient client, int rounds = 5)
    {
        var warm = new E2eScenario(500, 0, 0, []);
        await server.SetScenarioAsync(warm).ConfigureAwait(false);
        for (int i = 0; i < rounds; i++)
        {
            await client.RunStreamAsync(new long[warm.Deltas], null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static (long Heap, long WorkingSet) Snapshot()
    {
        // Aggressive: compacts and gives free memory back to the OS, so that a working set reading is not flattered or
        // spoiled by what an earlier client in this process left committed.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        using var p = Process.GetCurrentProcess();
        p.Refresh();
        return (heap, p.WorkingSet64);
    }

    private static List<double> Latencies(IEnumerable<(E2eOutcome Outcome, long[] Received)> streams, Dictionary<int, long[]> sent)
    {
        var result = new List<double>();
        double toMicros = 1_000_000.0 / Stopwatch.Frequency;
        foreach ((E2eOutcome outcome, long[] received) in streams)
        {
            long[] s = sent[outcome.StreamId];
            for (int i = 0; i < outcome.Deltas; i++)
            {
                result.Add((received[i] - s[i]) * toMicros);
            }
        }

        return result;
    }

    private static Latency Stats(List<double> samples)
    {
        int negative = samples.Count(s => s < 0);
        double[] v = samples.Select(s => Math.Max(0, s)).Order().ToArray();
        double P(double q) => v.Length == 0 ? double.NaN : v[Math.Min(v.Length - 1, (int)Math.Ceiling(q * v.Length) - 1)];
        return new Latency(P(0.50), P(0.99), P(0.999), v.Length == 0 ? double.NaN : v[^1], v.Length == 0 ? double.NaN : v.Average(), v.Length, negative);
    }

    private static string Kb(double bytes) => (bytes / 1024.0).ToString("N1", CultureInfo.InvariantCulture) + " KB";
}
