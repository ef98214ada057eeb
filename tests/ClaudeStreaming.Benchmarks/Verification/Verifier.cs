using ClaudeStreaming.Benchmarks.Contestants;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Verification;

/// <summary>
/// Runs every contestant once on every workload and checks its result. No test framework needed: a test can call
/// <see cref="VerifyAllAsync"/> and assert that it returns no failures; <c>--verify</c> prints every check.
/// </summary>
public static class Verifier
{
    /// <summary>Checks every contestant on every workload (or the named ones) and returns every check made.</summary>
    /// <param name="log">Receives one line per check as it is made; null for silence.</param>
    /// <param name="workloads">Workload names; null for all of <see cref="WorkloadCatalog.Names"/>.</param>
    public static async Task<IReadOnlyList<Check>> VerifyAllAsync(TextWriter? log = null, IEnumerable<string>? workloads = null, CancellationToken cancellationToken = default)
    {
        var checks = new List<Check>();
        foreach (string name in workloads ?? WorkloadCatalog.Names)
        {
            Workload workload = WorkloadCatalog.Get(name);
            using var set = new ContestantSet(workload);
            checks.AddRange(await VerifyAsync(set, log, cancellationToken).ConfigureAwait(false));
        }

        return checks;
    }

    /// <summary>Checks every contestant of <paramref name="set"/> once against its workload.</summary>
    public static async Task<IReadOnlyList<Check>> VerifyAsync(ContestantSet set, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        var checks = new List<Check>();
        foreach (Contestant contestant in set.All)
        {
            IEnumerable<Check> these;
            try
            {
                StreamResult actual = await contestant.RunAsync(cancellationToken).ConfigureAwait(false);
                these = ResultChecker.Compare(set.Workload.Name, contestant.Name, set.Workload.Expected, actual).ToList();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                these = [new Check(set.Workload.Name, contestant.Name, "run", false, $"threw {ex.GetType().Name}: {ex.Message}")];
            }

            foreach (Check check in these)
            {
                log?.WriteLine(check);
                checks.Add(check);
            }
        }

        return checks;
    }

    /// <summary>
    /// Checks the checker: feeds it deliberately wrong results (one character of text, one tool-input fragment lost, a
    /// changed value in a parsed input, a cut signature, usage off by one, another stop reason) and passes only if every
    /// one is caught. Guards against a verification that passes everything.
    /// </summary>
    public static IReadOnlyList<Check> SelfTest(TextWriter? log = null)
    {
        StreamResult tool = WorkloadCatalog.Get(WorkloadCatalog.ToolUse).Expected;
        StreamResult thinking = WorkloadCatalog.Get(WorkloadCatalog.Thinking).Expected;
        string input = tool.ToolInputJson!;
        int cut = input.Length / 2;
        (string What, StreamResult Expected, StreamResult Wrong)[] cases =
        [
            ("one character of text", thinking, thinking with { Text = thinking.Text[..^1] + "?" }),
            ("a lost tool-input fragment", tool, tool with { ToolInputJson = input[..cut] + input[(cut + 7)..] }),
            ("a changed value in a parsed input", tool, tool with { ToolInputIsRaw = false, ToolInputJson = input.Replace("\"id\":1,", "\"id\":10,", StringComparison.Ordinal) }),
            ("a cut signature", thinking, thinking with { Signature = thinking.Signature![..^4] }),
            ("thinking missing", thinking, thinking with { Thinking = null }),
            ("usage off by one", tool, tool with { OutputTokens = tool.OutputTokens + 1 }),
            ("another stop reason", tool, tool with { StopReason = "end_turn" }),
        ];
        var checks = new List<Check>();
        foreach ((string what, StreamResult expected, StreamResult wrong) in cases)
        {
            Check[] failed = ResultChecker.Compare("self-test", "deliberately wrong", expected, wrong).Where(c => !c.Passed).ToArray();
            var check = new Check("self-test", "ResultChecker", "catches", failed.Length > 0,
                failed.Length > 0 ? $"{what} -> {failed[0].Field}: {failed[0].Detail}" : $"{what} was NOT detected");
            log?.WriteLine(check);
            checks.Add(check);
        }

        return checks;
    }

    /// <summary>Throws when any contestant gets <paramref name="set"/>'s workload wrong (used by GlobalSetup).</summary>
    public static void ThrowOnMismatch(ContestantSet set)
    {
        IReadOnlyList<Check> checks = VerifyAsync(set).GetAwaiter().GetResult();
        Check[] failed = checks.Where(c => !c.Passed).ToArray();
        if (failed.Length > 0)
        {
            throw new InvalidOperationException("Contestant results do not match the workload:" + Environment.NewLine + string.Join(Environment.NewLine, failed.Select(f => f.ToString())));
        }
    }
}
