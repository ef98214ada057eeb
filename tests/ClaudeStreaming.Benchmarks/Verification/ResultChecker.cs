using System.Globalization;
using System.Text.Json;
using ClaudeStreaming.Benchmarks.Workloads;

namespace ClaudeStreaming.Benchmarks.Verification;

/// <summary>One comparison of one field of one contestant's result on one workload.</summary>
public sealed record Check(string Workload, string Contestant, string Field, bool Passed, string Detail)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{(Passed ? "PASS" : "FAIL")}  {Workload,-10} {Contestant,-27} {Field,-11} {Detail}");
}

/// <summary>Compares a contestant's <see cref="StreamResult"/> with the workload's expected one, field by field.</summary>
public static class ResultChecker
{
    public static IEnumerable<Check> Compare(string workload, string contestant, StreamResult expected, StreamResult actual)
    {
        yield return Text(workload, contestant, "text", expected.Text, actual.Text);
        yield return ToolInput(workload, contestant, expected, actual);
        yield return Text(workload, contestant, "thinking", expected.Thinking, actual.Thinking);
        yield return Text(workload, contestant, "signature", expected.Signature, actual.Signature);
        bool usageOk = expected.InputTokens == actual.InputTokens && expected.OutputTokens == actual.OutputTokens;
        yield return new Check(workload, contestant, "usage", usageOk, string.Create(
            CultureInfo.InvariantCulture,
            $"input {actual.InputTokens} / output {actual.OutputTokens}{(usageOk ? string.Empty : $" (expected {expected.InputTokens} / {expected.OutputTokens})")}"));
        bool stopOk = expected.StopReason == actual.StopReason;
        yield return new Check(workload, contestant, "stop_reason", stopOk, stopOk ? $"{actual.StopReason}" : $"got '{actual.StopReason}', expected '{expected.StopReason}'");
    }

    private static Check Text(string workload, string contestant, string field, string? expected, string? actual)
    {
        if (expected is null)
        {
            return new Check(workload, contestant, field, string.IsNullOrEmpty(actual), actual is null or "" ? "absent, as expected" : $"unexpected {actual.Length:N0} chars");
        }

        if (actual is null)
        {
            return new Check(workload, contestant, field, false, $"missing (expected {expected.Length:N0} chars)");
        }

        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            return new Check(workload, contestant, field, true, string.Create(CultureInfo.InvariantCulture, $"{actual.Length:N0} chars identical"));
        }

        int i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }

        return new Check(workload, contestant, field, false, string.Create(
            CultureInfo.InvariantCulture,
            $"differs at char {i:N0} (lengths {actual.Length:N0} vs expected {expected.Length:N0}): got '{Snippet(actual, i)}', expected '{Snippet(expected, i)}'"));
    }

    private static Check ToolInput(string workload, string contestant, StreamResult expected, StreamResult actual)
    {
        const string field = "tool_input";
        if (expected.ToolInputJson is null)
        {
            return Text(workload, contestant, field, null, actual.ToolInputJson);
        }

        if (actual.ToolInputJson is null)
        {
            return new Check(workload, contestant, field, false, "missing");
        }

        if (actual.ToolInputIsRaw)
        {
            // Event loops join the input_json_delta fragments themselves: they must be byte-for-byte the input.
            Check exact = Text(workload, contestant, field, expected.ToolInputJson, actual.ToolInputJson);
            return exact.Passed ? exact with { Detail = exact.Detail + " (joined fragments)" } : exact;
        }

        try
        {
            using JsonDocument e = JsonDocument.Parse(expected.ToolInputJson);
            using JsonDocument a = JsonDocument.Parse(actual.ToolInputJson);
            bool same = JsonElement.DeepEquals(e.RootElement, a.RootElement);
            return new Check(workload, contestant, field, same, same
                ? string.Create(CultureInfo.InvariantCulture, $"parsed input equals the expected JSON ({e.RootElement.GetProperty("records").GetArrayLength():N0} records)")
                : "parsed input differs from the expected JSON");
        }
        catch (JsonException ex)
        {
            return new Check(workload, contestant, field, false, "not valid JSON: " + ex.Message);
        }
    }

    private static string Snippet(string s, int at)
    {
        int start = Math.Max(0, at - 10);
        int end = Math.Min(s.Length, at + 20);
        return s[start..end].Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
    }
}
