using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Columns;

/// <summary>
/// Columns that put BenchmarkDotNet's per-operation numbers per SSE event and against the other contestants of the
/// same workload. The workload is found from the benchmark's <c>Workload</c> parameter. Times are medians: on a shared
/// machine a neighbour's build shows up as a few slow iterations, which move the mean but hardly the median.
/// </summary>
public sealed class PerEventColumn : IColumn
{
    public const string FloorMethod = "Floor";
    public const string OfficialEventLoopMethod = "Official_EventLoop";

    private readonly Func<Summary, BenchmarkCase, double?> _value;
    private readonly string _format;

    private PerEventColumn(string id, string name, string legend, string format, Func<Summary, BenchmarkCase, double?> value)
    {
        Id = "ClaudeStreaming." + id;
        ColumnName = name;
        Legend = legend;
        _format = format;
        _value = value;
    }

    public static IColumn[] All { get; } =
    [
        new PerEventColumn("Events", "Events/op", "SSE events in one streamed reply (pings included)", "N0", (_, c) => EventsOf(c)),
        new PerEventColumn("NsPerEvent", "ns/event", "Median time per SSE event", "N1", (s, c) => MedianNs(s, c) / EventsOf(c)),
        new PerEventColumn("BytesPerEvent", "B/event", "Managed bytes allocated per SSE event", "N1", (s, c) => Allocated(s, c) / EventsOf(c)),
        new PerEventColumn("VsFloor", "Time/floor", "Median time divided by the raw floor's (SseParser + Utf8JsonReader) on the same workload", "N2",
            (s, c) => MedianNs(s, c) / MedianNs(s, Sibling(s, c, FloorMethod))),
        new PerEventColumn("VsOfficial", "Official/this", "The official package's typed event loop median time divided by this one's: how many times faster than the official loop", "N2",
            (s, c) => MedianNs(s, Sibling(s, c, OfficialEventLoopMethod)) / MedianNs(s, c)),
        new PerEventColumn("AllocVsOfficial", "OfficialB/thisB", "Bytes allocated by the official typed event loop divided by this one's: how many times fewer bytes", "N1",
            (s, c) => Allocated(s, Sibling(s, c, OfficialEventLoopMethod)) / Allocated(s, c)),
    ];

    public string Id { get; }

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend { get; }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        double? value = _value(summary, benchmarkCase);
        return value is double v && double.IsFinite(v) ? v.ToString(_format, CultureInfo.InvariantCulture) : "?";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public override string ToString() => ColumnName;

    private static double? EventsOf(BenchmarkCase c) =>
        c.Parameters["Workload"] is string name ? WorkloadCatalog.Get(name).EventCount : null;

    private static double? MedianNs(Summary s, BenchmarkCase? c) =>
        c is null ? null : s[c]?.ResultStatistics?.Median;

    private static double? Allocated(Summary s, BenchmarkCase? c) =>
        c is null ? null : s[c]?.GcStats.GetBytesAllocatedPerOperation(c);

    /// <summary>The case of <paramref name="method"/> with the same parameters and job as <paramref name="c"/>.</summary>
    private static BenchmarkCase? Sibling(Summary s, BenchmarkCase c, string method) =>
        s.BenchmarksCases.FirstOrDefault(o =>
            o.Descriptor.WorkloadMethod.Name == method
            && o.Parameters.ValueInfo == c.Parameters.ValueInfo
            && o.Job.Id == c.Job.Id);
}
