using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using ClaudeStreaming.Benchmarks.Columns;
using ClaudeStreaming.Benchmarks.Contestants;
using ClaudeStreaming.Benchmarks.Infrastructure;
using ClaudeStreaming.Benchmarks.Verification;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks;

/// <summary>
/// What telemetry costs: the same ClaudeStreaming paths with nobody listening (the baseline, the state of every app
/// that has not turned telemetry on) and with an <c>ActivityListener</c> and a <c>MeterListener</c> attached to the
/// <c>ClaudeStreaming</c> source and meter. BenchmarkDotNet runs each case in its own process, so the listeners of
/// one case never reach another; compare the ratios within one run.
/// </summary>
[Config(typeof(Config))]
public class TelemetryBenchmarks : IDisposable
{
    private ContestantSet? _set;
    private TelemetryListeners? _listeners;

    [ParamsSource(nameof(Workloads))]
    public string Workload { get; set; } = WorkloadCatalog.LongText;

    public static IEnumerable<string> Workloads => StreamingBenchmarks.Workloads;

    private ContestantSet Set => _set ?? throw new InvalidOperationException("GlobalSetup has not run.");

    [GlobalSetup(Targets = [nameof(TextStream_NoListener), nameof(Events_NoListener)])]
    public void Setup()
    {
        _set = new ContestantSet(WorkloadCatalog.Get(Workload));
        Verifier.ThrowOnMismatch(_set);
    }

    [GlobalSetup(Targets = [nameof(TextStream_Listened), nameof(Events_Listened)])]
    public void SetupListened()
    {
        _listeners = new TelemetryListeners();
        Setup();
        if (_listeners.Spans == 0 || _listeners.Measurements == 0)
        {
            throw new InvalidOperationException("The listeners saw no telemetry: the listened cases would measure nothing extra.");
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _set?.Dispose();
        _set = null;
        _listeners?.Dispose();
        _listeners = null;
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true)]
    public Task<Message> TextStream_NoListener() => Set.Claude.TextStreamAsync();

    [Benchmark]
    public Task<Message> TextStream_Listened() => Set.Claude.TextStreamAsync();

    [Benchmark]
    public Task<Message> Events_NoListener() => Set.Claude.EventsAsync();

    [Benchmark]
    public Task<Message> Events_Listened() => Set.Claude.EventsAsync();

    /// <summary>Memory, ns and bytes per event; the ratio column compares with the text path without a listener.</summary>
    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddDiagnoser(MemoryDiagnoser.Default);
            AddColumn(PerEventColumn.All[..3]);
            WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared, BenchmarkDotNet.Order.MethodOrderPolicy.Declared));
        }
    }
}
