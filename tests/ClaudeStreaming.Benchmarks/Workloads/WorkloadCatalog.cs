using System.Collections.Concurrent;
using System.Text;

namespace ClaudeStreaming.Benchmarks.Workloads;

/// <summary>
/// The benchmark workloads, generated deterministically from fixed seeds (no files, no downloads). Each comes with
/// the result every contestant must produce from it.
/// </summary>
public static class WorkloadCatalog
{
    public const string LongText = "long-text";
    public const string ToolUse = "tool-use";
    public const string Thinking = "thinking";

    public static IReadOnlyList<string> Names { get; } = [LongText, ToolUse, Thinking];

    private static readonly ConcurrentDictionary<string, Workload> Cache = new(StringComparer.Ordinal);

    public static Workload Get(string name) => Cache.GetOrAdd(name, static n => n switch
    {
        LongText => CreateLongText(20_000, "msg_bench_long_text", seed: 1),
        ToolUse => CreateToolUse(),
        Thinking => CreateThinking(),
        _ => throw new ArgumentException($"Unknown workload '{n}'. Known: {string.Join(", ", Names)}", nameof(name)),
    });

    /// <summary>One text block of <paramref name="deltas"/> text_deltas of 1–8 words, a ping every 50 deltas.</summary>
    public static Workload CreateLongText(int deltas, string messageId, int seed)
    {
        var rng = new Random(seed);
        var words = new WordSource(rng);
        var sse = new SseBodyBuilder(rng, escapeNonAscii: 0.2);
        var text = new StringBuilder();
        const long inputTokens = 1_234;

        sse.MessageStart(messageId, inputTokens);
        sse.TextBlockStart(0);
        sse.Ping();
        for (int i = 0; i < deltas; i++)
        {
            string t = words.Words(1, 8);
            text.Append(t);
            sse.Delta(0, "text_delta", "text", t);
            if (i % 50 == 49)
            {
                sse.Ping();
            }
        }

        sse.BlockStop(0, padded: true);
        long outputTokens = deltas * 3L;
        sse.MessageDelta("end_turn", inputTokens, outputTokens);
        sse.MessageStop();

        var expected = new StreamResult
        {
            Text = text.ToString(),
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            StopReason = "end_turn",
        };
        return new Workload(LongText, sse, expected, $"1 text block, {deltas:N0} text_deltas of 1-8 words (ASCII, accents, CJK, ZWJ emoji, JSON escapes incl. \\u surrogate pairs), a ping every 50 deltas");
    }

    /// <summary>A short text block, then a tool_use whose ~170 KB input arrives in 5,000 input_json_delta fragments cut anywhere.</summary>
    private static Workload CreateToolUse()
    {
        var rng = new Random(2);
        var words = new WordSource(rng);
        var sse = new SseBodyBuilder(rng, escapeNonAscii: 0.2);
        var text = new StringBuilder();
        const long inputTokens = 4_321;

        sse.MessageStart("msg_bench_tool_use", inputTokens);
        sse.TextBlockStart(0);
        for (int i = 0; i < 20; i++)
        {
            string t = words.Words(1, 8);
            text.Append(t);
            sse.Delta(0, "text_delta", "text", t);
        }

        sse.BlockStop(0);

        string input = BuildToolInput(rng, words, minChars: 170_000);
        List<string> fragments = Cut(input, rng, pieces: 4_999);
        sse.ToolUseBlockStart(1, "toolu_01BenchToolUse", "write_records");
        sse.Delta(1, "input_json_delta", "partial_json", string.Empty); // the API's usual empty first fragment
        foreach (string f in fragments)
        {
            sse.Delta(1, "input_json_delta", "partial_json", f);
        }

        sse.BlockStop(1);
        const long outputTokens = 52_000;
        sse.MessageDelta("tool_use", inputTokens, outputTokens);
        sse.MessageStop();

        var expected = new StreamResult
        {
            Text = text.ToString(),
            ToolInputJson = input,
            ToolInputIsRaw = true,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            StopReason = "tool_use",
        };
        return new Workload(ToolUse, sse, expected, $"20 text_deltas, then a tool_use whose {input.Length / 1024.0:N0} KB input arrives in {fragments.Count + 1:N0} input_json_delta fragments cut at arbitrary characters");
    }

    /// <summary>5,000 thinking_deltas and a signature_delta, then 2,000 text_deltas.</summary>
    private static Workload CreateThinking()
    {
        var rng = new Random(3);
        var words = new WordSource(rng);
        var sse = new SseBodyBuilder(rng, escapeNonAscii: 0.2);
        var thinking = new StringBuilder();
        var text = new StringBuilder();
        const long inputTokens = 321;

        sse.MessageStart("msg_bench_thinking", inputTokens);
        sse.ThinkingBlockStart(0);
        for (int i = 0; i < 5_000; i++)
        {
            string t = words.Words(1, 8);
            thinking.Append(t);
            sse.Delta(0, "thinking_delta", "thinking", t);
        }

        byte[] sigBytes = new byte[384];
        rng.NextBytes(sigBytes);
        string signature = Convert.ToBase64String(sigBytes);
        sse.Delta(0, "signature_delta", "signature", signature);
        sse.BlockStop(0);

        sse.TextBlockStart(1);
        sse.Ping();
        for (int i = 0; i < 2_000; i++)
        {
            string t = words.Words(1, 8);
            text.Append(t);
            sse.Delta(1, "text_delta", "text", t);
        }

        sse.BlockStop(1);
        const long outputTokens = 21_000;
        sse.MessageDelta("end_turn", inputTokens, outputTokens);
        sse.MessageStop();

        var expected = new StreamResult
        {
            Text = text.ToString(),
            Thinking = thinking.ToString(),
            Signature = signature,
            InputTokens = inputTokens,
            OutputTokens = outputTokens,
            StopReason = "end_turn",
        };
        return new Workload(Thinking, sse, expected, "5,000 thinking_deltas + 1 signature_delta (512 chars), then 2,000 text_deltas");
    }

    /// <summary>A JSON object of records whose strings carry escapes, non-ASCII and surrogate pairs, at least <paramref name="minChars"/> long.</summary>
    private static string BuildToolInput(Random rng, WordSource words, int minChars)
    {
        var sb = new StringBuilder(minChars + 4096);
        sb.Append("{\"path\":\"/srv/export/records.json\",\"overwrite\":true,\"records\":[");
        for (int id = 0; sb.Length < minChars; id++)
        {
            if (id > 0)
            {
                sb.Append(rng.Next(3) == 0 ? ",\n  " : ",");
            }

            sb.Append("{\"id\":").Append(id).Append(",\"title\":");
            JsonText.AppendString(sb, words.Words(1, 4).TrimStart(), rng, escapeNonAscii: 0.3);
            sb.Append(", \"body\":");
            JsonText.AppendString(sb, words.Words(10, 40), rng, escapeNonAscii: 0.3);
            sb.Append(",\"tags\":[");
            int tags = rng.Next(0, 4);
            for (int t = 0; t < tags; t++)
            {
                if (t > 0)
                {
                    sb.Append(',');
                }

                JsonText.AppendString(sb, words.Word(), rng, escapeNonAscii: 0.5);
            }

            sb.Append("],\"score\":").Append((rng.NextDouble() * 100).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))
                .Append(",\"active\":").Append(rng.Next(2) == 0 ? "true" : "false")
                .Append(",\"parent\":").Append(id > 0 && rng.Next(3) == 0 ? (id - 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : "null")
                .Append('}');
        }

        sb.Append("]}");
        return sb.ToString();
    }

    /// <summary>
    /// Cuts <paramref name="s"/> into <paramref name="pieces"/> non-empty fragments at random character positions:
    /// inside strings, between a backslash and what it escapes, inside <c>\uXXXX</c>. Never between the two halves of a
    /// surrogate pair: each fragment is a JSON string on the wire and the API sends valid UTF-8.
    /// </summary>
    private static List<string> Cut(string s, Random rng, int pieces)
    {
        var cuts = new SortedSet<int>();
        while (cuts.Count < pieces - 1)
        {
            int p = rng.Next(1, s.Length);
            if (!char.IsLowSurrogate(s[p]))
            {
                cuts.Add(p);
            }
        }

        var result = new List<string>(pieces);
        int start = 0;
        foreach (int p in cuts)
        {
            result.Add(s[start..p]);
            start = p;
        }

        result.Add(s[start..]);
        return result;
    }
}
