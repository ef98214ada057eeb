using ClaudeStreaming.Benchmarks.Infrastructure;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Contestants;

/// <summary>
/// One contestant: a name (the benchmark method's name), the measured operation exactly as the benchmark runs it, and a
/// run that also reads the outcome back into a <see cref="StreamResult"/> for checking (that conversion is not measured).
/// </summary>
public sealed record Contestant(string Name, Func<Task> MeasuredAsync, Func<CancellationToken, Task<StreamResult>> RunAsync);

/// <summary>
/// Every contestant wired to one workload: one in-memory handler serving the workload's bytes, one client per
/// library, reused across runs.
/// </summary>
public sealed class ContestantSet : IDisposable
{
    public static readonly Uri BaseAddress = new("http://127.0.0.1/");

    public ContestantSet(Workload workload)
    {
        Workload = workload;
        Handler = new InMemorySseHandler(workload.Body);
        Official = new OfficialContestant(new HttpClient(Handler) { Timeout = Timeout.InfiniteTimeSpan }, BaseAddress);
        Claude = new ClaudeStreamingContestant(new HttpClient(Handler) { Timeout = Timeout.InfiniteTimeSpan }, BaseAddress);
        All =
        [
            new Contestant("Floor", () => RawFloor.RunAsync(new MemoryStream(Workload.Body, writable: false)), ct => RawFloor.RunAsync(new MemoryStream(Workload.Body, writable: false), ct)),
            new Contestant("ClaudeStreaming_TextStream", () => Claude.TextStreamAsync(), async ct => ClaudeStreamingContestant.ToResult(await Claude.TextStreamAsync(ct).ConfigureAwait(false))),
            new Contestant("ClaudeStreaming_Events", () => Claude.EventsAsync(), async ct => ClaudeStreamingContestant.ToResult(await Claude.EventsAsync(ct).ConfigureAwait(false))),
            new Contestant("Official_EventLoop", () => Official.EventLoopAsync(), Official.EventLoopAsync),
            new Contestant("Official_Aggregate", () => Official.AggregateAsync(), async ct => OfficialContestant.ToResult(await Official.AggregateAsync(ct).ConfigureAwait(false))),
        ];
    }

    public Workload Workload { get; }

    public InMemorySseHandler Handler { get; }

    public OfficialContestant Official { get; }

    public ClaudeStreamingContestant Claude { get; }

    public IReadOnlyList<Contestant> All { get; }

    public void Dispose()
    {
        Official.Dispose();
        Claude.Dispose();
        Handler.Dispose();
    }
}
