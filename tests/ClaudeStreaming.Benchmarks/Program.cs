using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using ClaudeStreaming.Benchmarks;
using ClaudeStreaming.Benchmarks.EndToEnd;
using ClaudeStreaming.Benchmarks.Verification;
using ClaudeStreaming.Benchmarks.Workloads;

// dotnet run -c Release --project tests/ClaudeStreaming.Benchmarks -- --verify     check every contestant on every workload (CI)
// dotnet run -c Release --project tests/ClaudeStreaming.Benchmarks -- --e2e        real sockets: latency, 1,000 streams, held memory
// dotnet run -c Release --project tests/ClaudeStreaming.Benchmarks -- --describe   what the workloads contain
// dotnet run -c Release --project tests/ClaudeStreaming.Benchmarks -- --quick [N]  interleaved in-process cross-check, N rounds
// dotnet run -c Release --project tests/ClaudeStreaming.Benchmarks -- --telemetry-cost [N]  telemetry with and without listeners, interleaved
// dotnet run -c Release --project tests/ClaudeStreaming.Benchmarks -- --filter '*' [--workload long-text] [--job short]
if (args.Contains("--e2e-server"))
{
    return await E2eServer.RunAsync();
}

if (args.Contains("--describe"))
{
    foreach (string name in WorkloadCatalog.Names)
    {
        Workload w = WorkloadCatalog.Get(name);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{w.Name}: {w.Body.Length:N0} bytes, {w.EventCount:N0} events ({w.DeltaCount:N0} deltas); text {w.Expected.Text.Length:N0} chars; {w.Description}"));
    }

    return 0;
}

if (args.Contains("--verify"))
{
    string[] only = args.Where(a => WorkloadCatalog.Names.Contains(a)).ToArray();
    var checks = new List<Check>(Verifier.SelfTest(Console.Out));
    checks.AddRange(await Verifier.VerifyAllAsync(Console.Out, only.Length > 0 ? only : null));
    checks.AddRange(await TelemetryVerifier.VerifyAsync(Console.Out, only.Length > 0 ? only : null));
    int failed = checks.Count(c => !c.Passed);
    Console.WriteLine($"{checks.Count - failed} passed, {failed} failed");
    return failed == 0 ? 0 : 1;
}

if (args.Contains("--quick"))
{
    int at = Array.IndexOf(args, "--quick");
    int rounds = at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out int r) ? r : 20;
    return await QuickRun.RunAsync(rounds, Console.Out);
}

if (args.Contains("--telemetry-cost"))
{
    int at = Array.IndexOf(args, "--telemetry-cost");
    int rounds = at + 1 < args.Length && int.TryParse(args[at + 1], CultureInfo.InvariantCulture, out int r) ? r : 40;
    return await TelemetryCostRun.RunAsync(rounds, Console.Out);
}

if (args.Contains("--e2e"))
{
    return await E2eRunner.RunAsync(E2eRunner.Options.Parse(args), Console.Out);
}

// --workload NAME (repeatable) runs only those workloads; BenchmarkDotNet gets the remaining arguments.
var bdnArgs = new List<string>();
var selected = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--workload" && i + 1 < args.Length)
    {
        string name = args[++i];
        if (!WorkloadCatalog.Names.Contains(name))
        {
            Console.Error.WriteLine($"Unknown workload '{name}'. Known: {string.Join(", ", WorkloadCatalog.Names)}");
            return 2;
        }

        selected.Add(name);
    }
    else
    {
        bdnArgs.Add(args[i]);
    }
}

StreamingBenchmarks.OnlyWorkloads = selected.Count > 0 ? selected : null;

// Before anything is measured: every contestant must get every workload right.
IReadOnlyList<Check> preflight = await Verifier.VerifyAllAsync(workloads: StreamingBenchmarks.OnlyWorkloads);
Check[] wrong = preflight.Where(c => !c.Passed).ToArray();
if (wrong.Length > 0)
{
    foreach (Check c in wrong)
    {
        Console.Error.WriteLine(c);
    }

    Console.Error.WriteLine("Contestants disagree with the expected results; nothing was measured.");
    return 1;
}

// Default job: 3 warmups, 15 measured iterations (fits a ~15 minute run); --job on the command line replaces it.
IConfig config = bdnArgs.Any(a => a is "--job" or "-j")
    ? DefaultConfig.Instance
    : DefaultConfig.Instance.AddJob(Job.Default.WithWarmupCount(3).WithIterationCount(15).AsDefault());
IEnumerable<Summary> summaries = BenchmarkSwitcher.FromTypes([typeof(StreamingBenchmarks), typeof(TelemetryBenchmarks)]).Run([.. bdnArgs], config);
bool failedRun = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
return failedRun ? 1 : 0;
