using BenchmarkDotNet.Attributes;
using ClaudeStreaming.Benchmarks.Contestants;
using ClaudeStreaming.Benchmarks.Verification;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks;

/// <summary>
/// One whole streamed reply per operation, same bytes for every contestant: the raw floor (baseline), ClaudeStreaming
/// (TextStream and events, each then GetFinalMessageAsync) and the official Anthropic package (typed event loop and
/// Aggregate). Both clients go through HttpClient to the in-memory handler, so their whole client path is measured.
/// </summary>
[Config(typeof(BenchmarkConfig))]
public class StreamingBenchmarks : IDisposable
{
    private ContestantSet? _set;

    /// <summary>The workloads to run: all, or those named with <c>--workload</c> (set by Program in the host process).</summary>
    public static IReadOnlyList<string>? OnlyWorkloads { get; set; }

    public static IEnumerable<string> Workloads => OnlyWorkloads ?? WorkloadCatalog.Names;

    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = WorkloadCatalog.LongText;

    private ContestantSet Set => _set ?? throw new InvalidOperationException("GlobalSetup has not run.");

    [GlobalSetup]
    public void Setup()
    {
        _set = new ContestantSet(WorkloadCatalog.Get(Workload));

        // Every contestant must get this workload right before anything is measured; a wrong one fails the run.
        Verifier.ThrowOnMismatch(_set);
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _set?.Dispose();
        _set = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public Task<StreamResult> Floor() => RawFloor.RunAsync(new MemoryStream(Set.Workload.Body, writable: false));

    [Benchmark]
    public Task<ClaudeStreaming.Message> ClaudeStreaming_TextStream() => Set.Claude.TextStreamAsync();

    [Benchmark]
    public Task<ClaudeStreaming.Message> ClaudeStreaming_Events() => Set.Claude.EventsAsync();

    [Benchmark]
    public Task<StreamResult> Official_EventLoop() => Set.Official.EventLoopAsync();

    [Benchmark]
    public Task<Anthropic.Models.Messages.Message> Official_Aggregate() => Set.Official.AggregateAsync();
}
