using ClaudeStreaming.Benchmarks.Contestants;
using ClaudeStreaming.Benchmarks.Infrastructure;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Verification;

/// <summary>
/// Checks the listened cases of <see cref="TelemetryBenchmarks"/>: with listeners attached the results are still right,
/// and each call really produced one span and one chunk measurement per delta after the first.
/// </summary>
public static class TelemetryVerifier
{
    public static async Task<IReadOnlyList<Check>> VerifyAsync(TextWriter? log = null, IEnumerable<string>? workloads = null)
    {
        var checks = new List<Check>();
        using var listeners = new TelemetryListeners();
        foreach (string name in workloads ?? WorkloadCatalog.Names)
        {
            Workload workload = WorkloadCatalog.Get(name);
            using var set = new ContestantSet(workload);
            long spans = listeners.Spans, chunks = listeners.Chunks;
            StreamResult actual = ClaudeStreamingContestant.ToResult(await set.Claude.TextStreamAsync().ConfigureAwait(false));
            var these = ResultChecker.Compare(name, "ClaudeStreaming_TextStream (listened)", workload.Expected, actual).ToList();
            these.Add(new Check(name, "ClaudeStreaming_TextStream (listened)", "spans", listeners.Spans - spans == 1, $"{listeners.Spans - spans} span(s) per call"));
            these.Add(new Check(name, "ClaudeStreaming_TextStream (listened)", "chunks", listeners.Chunks - chunks == workload.DeltaCount - 1,
                $"{listeners.Chunks - chunks} time_per_output_chunk measurements for {workload.DeltaCount} deltas"));
            foreach (Check check in these)
            {
                log?.WriteLine(check);
                checks.Add(check);
            }
        }

        return checks;
    }
}
