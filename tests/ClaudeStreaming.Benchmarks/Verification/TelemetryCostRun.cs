using System.Diagnostics;
using System.Globalization;
using ClaudeStreaming.Benchmarks.Contestants;
using ClaudeStreaming.Benchmarks.Infrastructure;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Verification;

/// <summary>
/// <c>--telemetry-cost [N]</c>: the cost of telemetry measured so that it holds up on a busy machine. One process, the
/// same call alternately with nobody listening and with <see cref="TelemetryListeners"/> attached (attached and
/// detached between calls, outside the timing), so load from other processes hits both alike. Reports median time
/// per call (and the minimum, the least disturbed call) and exact allocated bytes per call.
/// </summary>
public static class TelemetryCostRun
{
    public static async Task<int> RunAsync(int rounds, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        int warmup = Math.Max(5, rounds / 4);
        output.WriteLine($"Interleaved in-process run, {rounds} rounds after {warmup} warm-up rounds; ClaudeStreaming_TextStream; median ms/op, allocated bytes exact");
        output.WriteLine();
        output.WriteLine("| Workload | deltas | no listener ms/op (median, min) | listened ms/op (median, min) | listened / none (median, min) | no listener B/op | listened B/op | extra B per call |");
        output.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string name in WorkloadCatalog.Names)
        {
            Workload workload = WorkloadCatalog.Get(name);
            using var set = new ContestantSet(workload);
            Verifier.ThrowOnMismatch(set);
            var off = new List<double>();
            var on = new List<double>();
            long offBytes = 0, onBytes = 0;
            for (int round = 0; round < warmup + rounds; round++)
            {
                // Alternate which goes first, so neither always runs on a cache the other warmed.
                for (int i = 0; i < 2; i++)
                {
                    bool listened = (round + i) % 2 == 1;
                    TelemetryListeners? listeners = listened ? new TelemetryListeners() : null;
                    long before = GC.GetTotalAllocatedBytes(precise: true);
                    long start = Stopwatch.GetTimestamp();
                    await set.Claude.TextStreamAsync().ConfigureAwait(false);
                    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                    if (listeners is not null && listeners.Spans != 1)
                    {
                        throw new InvalidOperationException($"The listened call produced {listeners.Spans} spans.");
                    }

                    listeners?.Dispose();
                    if (round >= warmup)
                    {
                        (listened ? on : off).Add(ms);
                        if (listened)
                        {
                            onBytes = allocated;
                        }
                        else
                        {
                            offBytes = allocated;
                        }
                    }
                }
            }

            // The minimum is what a call costs when no neighbour interferes; the median, what it typically costs here.
            double offMedian = off.Order().ElementAt(off.Count / 2), offMin = off.Min();
            double onMedian = on.Order().ElementAt(on.Count / 2), onMin = on.Min();
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {workload.DeltaCount:N0} | {offMedian:N2}, {offMin:N2} | {onMedian:N2}, {onMin:N2} | {onMedian / offMedian:N3}, {onMin / offMin:N3} | {offBytes:N0} | {onBytes:N0} | {onBytes - offBytes:N0} |"));
        }

        return 0;
    }
}
