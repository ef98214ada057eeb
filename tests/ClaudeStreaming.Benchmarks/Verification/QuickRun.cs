using System.Diagnostics;
using System.Globalization;
using ClaudeStreaming.Benchmarks.Contestants;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Verification;

/// <summary>
/// <c>--quick</c>: a cross-check of BenchmarkDotNet's numbers that holds up on a busy machine. All contestants run in
/// one process, interleaved round by round (A B C D E, A B C D E, ...), so load from other processes hits them alike;
/// reports the median time per operation and the exact allocated bytes per operation.
/// </summary>
public static class QuickRun
{
    public static async Task<int> RunAsync(int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine($"Interleaved in-process run, {rounds} rounds after {Math.Max(5, rounds / 4)} warm-up rounds; median ms/op, allocated bytes exact (GC.GetTotalAllocatedBytes(precise))");
        output.WriteLine();
        output.WriteLine("| Workload | Contestant | median ms/op | ns/event | B/event | time / floor | official loop / this (time) | official loop / this (bytes) |");
        output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (string name in WorkloadCatalog.Names.Where(n => Environment.GetEnvironmentVariable("QUICK_WORKLOAD") is not { Length: > 0 } only || only == n))
        {
            Workload workload = WorkloadCatalog.Get(name);
            using var set = new ContestantSet(workload);
            Verifier.ThrowOnMismatch(set);
            var times = set.All.ToDictionary(c => c.Name, _ => new List<double>());
            var bytes = set.All.ToDictionary(c => c.Name, _ => 0L);
            int warmup = Math.Max(5, rounds / 4);
            for (int round = 0; round < warmup + rounds; round++)
            {
                foreach (Contestant c in set.All)
                {
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    long start = Stopwatch.GetTimestamp();
                    await c.MeasuredAsync().ConfigureAwait(false);
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    if (round >= warmup)
                    {
                        times[c.Name].Add(ms);
                        bytes[c.Name] = allocated; // exact and stable once warm; the last round's is reported
                    }
                }
            }

            if (workload.Expected.ToolInputJson is { } toolInput)
            {
                ToolInputParseCost(toolInput, rounds, output);
            }

            double Median(string n) => times[n].Order().ElementAt(times[n].Count / 2);
            double floor = Median("Floor");
            double official = Median("Official_EventLoop");
            foreach (Contestant c in set.All)
            {
                double m = Median(c.Name);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {name} | {c.Name} | {m:N2} | {m * 1e6 / workload.EventCount:N0} | {bytes[c.Name] / (double)workload.EventCount:N1} | {m / floor:N2} | {official / m:N2} | {bytes["Official_EventLoop"] / (double)bytes[c.Name]:N1} |"));
            }
        }

        await ReadsPerOperationAsync(output).ConfigureAwait(false);
        return 0;
    }

    /// <summary>What parsing the joined tool input once costs on its own: a final-message client must do it, the floor does not.</summary>
    private static void ToolInputParseCost(string json, int rounds, TextWriter output)
    {
        var times = new List<double>();
        long bytes = 0;
        for (int i = 0; i < rounds + 5; i++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            long start = Stopwatch.GetTimestamp();
            System.Text.Json.JsonElement element = System.Text.Json.JsonElement.Parse(json);
            double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            bytes = GC.GetTotalAllocatedBytes(precise: true) - before;
            GC.KeepAlive(element);
            if (i >= 5)
            {
                times.Add(ms);
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"|  | (JsonElement.Parse of the joined {json.Length:N0}-char tool input, alone) | {times.Order().ElementAt(times.Count / 2):N2} | | {bytes:N0} B total | | | |"));
    }

    /// <summary>How many ReadAsync calls each client makes on the response body per operation (each re-arms ClaudeStreaming's idle timer).</summary>
    private static async Task ReadsPerOperationAsync(TextWriter output)
    {
        output.WriteLine();
        foreach (string name in WorkloadCatalog.Names)
        {
            Workload workload = WorkloadCatalog.Get(name);
            using var set = new ContestantSet(workload);
            var counts = new List<string>();
            foreach (Contestant c in set.All)
            {
                set.Handler.ReadCounting = true;
                set.Handler.Reads = 0;
                await c.MeasuredAsync().ConfigureAwait(false);
                set.Handler.ReadCounting = false;
                counts.Add(string.Create(CultureInfo.InvariantCulture, $"{c.Name} {set.Handler.Reads:N0}"));
            }

            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Body reads per operation, {name} ({workload.Body.Length:N0} bytes): {string.Join(", ", counts)} (the floor reads the MemoryStream directly: not counted)"));
        }
    }
}
