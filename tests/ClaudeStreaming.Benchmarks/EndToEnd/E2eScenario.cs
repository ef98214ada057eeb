using System.Globalization;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.EndToEnd;

/// <summary>
/// What the socket server streams: the long-text reply cut to <see cref="Deltas"/> text_deltas, paced (a pause of
/// <see cref="PaceMs"/> ms after every <see cref="PaceEvery"/> deltas) and held (after delta number h for each h in
/// <see cref="Holds"/>, until the harness releases it), so a harness can look at a client while all streams are open.
/// </summary>
public sealed record E2eScenario(int Deltas, int PaceEvery, int PaceMs, IReadOnlyList<int> Holds)
{
    public const int Seed = 1;

    public string ToQuery() => string.Create(
        CultureInfo.InvariantCulture,
        $"deltas={Deltas}&paceEvery={PaceEvery}&paceMs={PaceMs}&holds={string.Join('.', Holds)}");

    public static E2eScenario FromQuery(Microsoft.AspNetCore.Http.IQueryCollection q) => new(
        int.Parse(q["deltas"].ToString(), CultureInfo.InvariantCulture),
        int.Parse(q["paceEvery"].ToString(), CultureInfo.InvariantCulture),
        int.Parse(q["paceMs"].ToString(), CultureInfo.InvariantCulture),
        q["holds"].ToString().Split('.', StringSplitOptions.RemoveEmptyEntries).Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray());

    /// <summary>The reply both processes derive from the same seed: the server sends it, the client checks against it.</summary>
    public Workload CreateWorkload() => WorkloadCatalog.CreateLongText(Deltas, "msg_e2e_0", Seed);
}
