using System.Diagnostics;
using System.Text;
using ClaudeStreaming.Testing;
using Xunit.Abstractions;

namespace ClaudeStreaming.Tests.Fuzz;

/// <summary>
/// Seeded mutations of real streams (the recorded ones in ../shared/fixtures when present, and the repo's own fake
/// replies always): whatever the bytes, a stream completes or fails with a <see cref="ClaudeException"/>, and what
/// TextStream yielded is exactly the final text, or the start of the partial message's text.
/// </summary>
/// <remarks>
/// Replay a failure with <c>CLAUDESTREAMING_FUZZ_SEED=&lt;seed&gt;</c> (printed by every run);
/// <c>CLAUDESTREAMING_FUZZ_CASES</c> sets how many cases (the run also stops at its time budget).
/// </remarks>
public sealed class StreamFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan CaseDeadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task MutatedStreams_CompleteOrFailTyped_AndYieldedTextIsKept()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("CLAUDESTREAMING_FUZZ_SEED"), out int s) ? s : 20261201;
        int cases = int.TryParse(Environment.GetEnvironmentVariable("CLAUDESTREAMING_FUZZ_CASES"), out int c) ? c : 5000;
        output.WriteLine($"fuzz seed {seed} (replay with CLAUDESTREAMING_FUZZ_SEED={seed})");

        List<(string Name, byte[] Body)> corpus = await CorpusAsync();
        var random = new Random(seed);
        var outcomes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        var handler = new FakeMessagesHandler();
        using ClaudeClient client = TestClients.For(handler);
        var watch = Stopwatch.StartNew();
        int run = 0;
        for (; run < cases && watch.Elapsed < Budget; run++)
        {
            (string name, byte[] original) = corpus[random.Next(corpus.Count)];
            int caseSeed = random.Next();
            var mutator = new Mutator(new Random(caseSeed));
            byte[] body = mutator.Mutate(original);
            ReadMode mode = (ReadMode)(caseSeed % 3);
            string where = $"seed {seed}, case {run} ({name}, {mutator.Description}, read {mode})";

            string outcome;
            try
            {
                outcome = await RunCaseAsync(client, handler, body, mode, caseSeed, where);
            }
            catch (Exception ex)
            {
                outcome = "FAILED";
                string message = ex is Xunit.Sdk.XunitException ? ex.Message : $"{ex.GetType().Name} from the test itself: {ex.Message} at {where}\n{ex.StackTrace}";
                string signature = message.Split(" at seed ")[0].Split('\n')[0];
                failures.TryAdd(signature[..Math.Min(signature.Length, 160)], message);
            }

            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        output.WriteLine($"{run} cases from {corpus.Count} streams in {watch.Elapsed.TotalSeconds:0.0} s:");
        foreach ((string outcome, int count) in outcomes)
        {
            output.WriteLine($"  {count,6}  {outcome}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failure signature(s):\n" + string.Join("\n", failures.Values));
        Assert.True(run >= Math.Min(cases, 1000), $"only {run} cases ran within the budget");
    }

    private enum ReadMode
    {
        Text,
        Events,
        FinalOnly,
    }

    private static async Task<string> RunCaseAsync(ClaudeClient client, FakeMessagesHandler handler, byte[] body, ReadMode mode, int caseSeed, string where)
    {
        var chunk = new Random(caseSeed);
        handler.Enqueue(FakeReply.Raw(body, chunk.Next(8) == 0 && body.Length < 32 * 1024 ? RandomChunks(chunk, body.Length) : null));
        using var deadline = new CancellationTokenSource(CaseDeadline);
        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request(), deadline.Token);
        var yielded = new StringBuilder();
        Exception? error = null;
        Message? final = null;
        try
        {
            switch (mode)
            {
                case ReadMode.Text:
                    await foreach (string piece in stream.TextStream)
                    {
                        yielded.Append(piece);
                    }

                    break;
                case ReadMode.Events:
                    await foreach (StreamEvent e in stream)
                    {
                        Assert.NotNull(e);
                    }

                    break;
            }

            final = await stream.GetFinalMessageAsync();
        }
        catch (Exception ex)
        {
            error = ex;
        }

        Assert.False(deadline.IsCancellationRequested, $"hang: {where}");
        if (error is null)
        {
            Assert.NotNull(final);
            if (mode == ReadMode.Text)
            {
                Assert.True(final!.GetText() == yielded.ToString(), $"yielded text is not the final text: {where}");
            }

            _ = final!.ToJson(); // never throws for a message the library built
            return "completed";
        }

        Assert.True(error is ClaudeException, $"untyped {error.GetType().Name}: {error.Message} at {where}\n{error}");
        Message? partial = error switch
        {
            ClaudeStreamException se => se.PartialMessage,
            ClaudeApiException ae => ae.PartialMessage,
            _ => null,
        };
        if (yielded.Length > 0)
        {
            Assert.True(partial is not null, $"no partial message after text was yielded: {where}");
            Assert.True(partial!.GetText().StartsWith(yielded.ToString(), StringComparison.Ordinal), $"partial text does not start with the yielded text: {where}");
        }

        _ = partial?.ToJson();
        Assert.Same(error, await Record.ExceptionAsync(() => stream.GetFinalMessageAsync()));
        return error is ClaudeStreamException stream2 ? $"{nameof(ClaudeStreamException)}.{stream2.Failure}" : error.GetType().Name;
    }

    private static List<int> RandomChunks(Random random, int length)
    {
        var chunks = new List<int>();
        for (int left = length; left > 0;)
        {
            int next = Math.Min(left, 1 + random.Next(random.Next(2) == 0 ? 16 : 1024));
            chunks.Add(next);
            left -= next;
        }

        return chunks;
    }

    /// <summary>The recorded streams when ../shared is beside the repo, and always the repo's own fake replies, as raw bytes.</summary>
    private static async Task<List<(string, byte[])>> CorpusAsync()
    {
        var corpus = new List<(string, byte[])>();
        string? shared = SharedFixtures.Directory;
        if (shared is not null && Directory.Exists(Path.Combine(shared, "recorded")))
        {
            foreach (string file in Directory.GetFiles(Path.Combine(shared, "recorded"), "*.sse").Order(StringComparer.Ordinal))
            {
                if (new FileInfo(file).Length > 64 * 1024)
                {
                    continue; // the large ones cost most of the time budget and add no new shapes
                }

                corpus.Add((Path.GetFileName(file), [.. File.ReadAllBytes(file), (byte)'\n', (byte)'\n']));
            }
        }

        FakeReply[] own =
        [
            FakeReply.CreateText("Hello there, how are you today?"),
            FakeReply.Create().Thinking("let me think", "EqSig==").Text("Answer: 42 ✓ 🚀").Usage(10, 20),
            FakeReply.Create().Text("Checking.").ToolUse("toolu_1", "lookup", """{"q":"Zürich","days":[1,2,3],"nested":{"a":null}}""", fragmentLength: 3),
            FakeReply.Create().TextDeltas("é", "🚀", "\"quoted\"", "\\", "line\nbreak").Ping().StopReason("max_tokens"),
            FakeReply.Create().Text("partial answer").ErrorEvent("overloaded_error", "Overloaded"),
        ];
        var handler = new FakeMessagesHandler();
        using var http = new HttpClient(handler);
        for (int i = 0; i < own.Length; i++)
        {
            handler.Enqueue(own[i]);
            using HttpResponseMessage response = await http.PostAsync("https://api.anthropic.com/v1/messages", new StringContent("{}"));
            corpus.Add(($"own-{i}", await response.Content.ReadAsByteArrayAsync()));
        }

        return corpus;
    }

    /// <summary>One random mutation of a stream, described for the failure message.</summary>
    private sealed class Mutator(Random random)
    {
        private static readonly string[] Tokens = ["\"0\"", "0.5", "-1", "4294967296", "null", "true", "{}", "[]", "\"\"", "5", "1e400", "\"\\ud83d\"", "\"\\u00\""];

        public string Description { get; private set; } = "";

        public byte[] Mutate(byte[] body)
        {
            int kinds = random.Next(1, 3);
            byte[] result = body;
            var described = new List<string>();
            for (int k = 0; k < kinds; k++)
            {
                (result, string what) = MutateOnce(result);
                described.Add(what);
            }

            Description = string.Join(" + ", described);
            return result;
        }

        private (byte[], string) MutateOnce(byte[] body)
        {
            if (body.Length == 0)
            {
                return (body, "empty");
            }

            int at = random.Next(body.Length);
            switch (random.Next(11))
            {
                case 0:
                {
                    byte[] copy = [.. body];
                    copy[at] ^= (byte)(1 << random.Next(8));
                    return (copy, $"flip@{at}");
                }

                case 1:
                    return ([.. body.AsSpan(0, at), (byte)random.Next(256), .. body.AsSpan(at)], $"insert@{at}");
                case 2:
                {
                    int length = Math.Min(body.Length - at, 1 + random.Next(32));
                    return ([.. body.AsSpan(0, at), .. body.AsSpan(at + length)], $"delete@{at}+{length}");
                }

                case 3:
                    return (body[..at], $"truncate@{at}");
                case 4:
                {
                    List<byte[]> events = Events(body);
                    if (events.Count < 2)
                    {
                        return (body, "swap(none)");
                    }

                    int i = random.Next(events.Count), j = random.Next(events.Count);
                    (events[i], events[j]) = (events[j], events[i]);
                    return ([.. events.SelectMany(e => e)], $"swap {i},{j}");
                }

                case 5:
                {
                    List<byte[]> events = Events(body);
                    int i = random.Next(events.Count);
                    events.Insert(random.Next(events.Count + 1), events[i]);
                    return ([.. events.SelectMany(e => e)], $"duplicate {i}");
                }

                case 6:
                {
                    // A JSON value of the wrong type or range after a member name.
                    int colon = Array.IndexOf(body, (byte)':', at);
                    if (colon < 0)
                    {
                        return (body, "retype(none)");
                    }

                    int end = colon + 1;
                    while (end < body.Length && body[end] is not ((byte)',' or (byte)'}' or (byte)'\n'))
                    {
                        end++;
                    }

                    string token = Tokens[random.Next(Tokens.Length)];
                    return ([.. body.AsSpan(0, colon + 1), .. Encoding.UTF8.GetBytes(token), .. body.AsSpan(end)], $"retype@{colon}={token}");
                }

                case 7:
                {
                    int depth = random.Next(2) == 0 ? 70 : 2000;
                    int colon = Array.IndexOf(body, (byte)':', at);
                    if (colon < 0)
                    {
                        return (body, "nest(none)");
                    }

                    return ([.. body.AsSpan(0, colon + 1), .. Encoding.ASCII.GetBytes(new string('[', depth)), .. body.AsSpan(colon + 1)], $"nest@{colon}x{depth}");
                }

                case 8:
                {
                    byte lead = (byte)(random.Next(3) switch { 0 => 0xC3, 1 => 0xE2, _ => 0xF0 });
                    int quote = Array.IndexOf(body, (byte)'"', at);
                    int where = quote < 0 ? at : quote + 1;
                    return ([.. body.AsSpan(0, where), lead, .. body.AsSpan(where)], $"lead 0x{lead:X2}@{where}");
                }

                case 9:
                {
                    string[] inserts = ["event: content_block_delta\ndata\n\n", "data: \n\n", "\r", "\n", ": comment\n", "event: hologram\ndata: {}\n\n", "retry: 5\n"];
                    string text = inserts[random.Next(inserts.Length)];
                    return ([.. body.AsSpan(0, at), .. Encoding.UTF8.GetBytes(text), .. body.AsSpan(at)], $"insert '{text.ReplaceLineEndings("\\n")}'@{at}");
                }

                default:
                {
                    int length = Math.Min(body.Length - at, 1 + random.Next(200));
                    return ([.. body.AsSpan(0, at + length), .. body.AsSpan(at, length), .. body.AsSpan(at + length)], $"repeat@{at}+{length}");
                }
            }
        }

        /// <summary>Splits a body into events at blank lines (each piece keeps its terminator).</summary>
        private static List<byte[]> Events(byte[] body)
        {
            var events = new List<byte[]>();
            int start = 0;
            for (int i = 0; i + 1 < body.Length; i++)
            {
                if (body[i] == '\n' && body[i + 1] == '\n')
                {
                    events.Add(body[start..(i + 2)]);
                    start = i + 2;
                    i++;
                }
            }

            if (start < body.Length)
            {
                events.Add(body[start..]);
            }

            return events;
        }
    }
}
