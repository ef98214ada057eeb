using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using ClaudeStreaming.Benchmarks.Columns;

namespace ClaudeStreaming.Benchmarks;

/// <summary>Memory diagnoser, the per-event columns, the job comes from Program (or --job on the command line).</summary>
public sealed class BenchmarkConfig : ManualConfig
{
    public BenchmarkConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(PerEventColumn.All);
        AddColumn(RankColumn.Arabic);
        WithOrderer(new BenchmarkDotNet.Order.DefaultOrderer(BenchmarkDotNet.Order.SummaryOrderPolicy.Declared, BenchmarkDotNet.Order.MethodOrderPolicy.Declared));
    }
}
