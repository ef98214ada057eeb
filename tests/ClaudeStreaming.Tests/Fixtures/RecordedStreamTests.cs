using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClaudeStreaming.Tests.Fixtures;

/// <summary>
/// Every recorded Messages API stream in <c>../shared/fixtures/recorded</c>, replayed byte for byte in every chunking over
/// real loopback sockets, read through <see cref="MessageStream.TextStream"/> and through the typed events, and checked
/// against <c>expected.json</c>.
/// </summary>
/// <remarks>
/// Every file and chunking goes over Kestrel, bytewise included (one flushed write per byte, up to 256 KB): measured, the
/// whole class runs in under 10 s that way, so the in-memory handler is not needed here.
/// </remarks>
public sealed class RecordedStreamTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly Lazy<JsonObject?> Expected = new(() =>
        SharedFixtures.Directory is { } dir && File.Exists(Path.Combine(dir, "recorded", "expected.json"))
            ? JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "recorded", "expected.json")))!.AsObject()
            : null);

    public static IEnumerable<object[]> Cases =>
        from file in SharedFixtures.Files("recorded", "*.sse")
        from chunking in Chunkings.Names
        select new object[] { file[0], chunking };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task TextStream_RecordedStream_MatchesExpected(string file, string chunking)
    {
        (byte[] body, JsonObject expected) = Load(file);

        StreamRun run = await ReplayAsync(body, chunking, ReadMode.Text);

        Message final = run.FinalOrFail();
        AssertFinalMessage(expected, final);
        string expectedText = string.Concat(Blocks(expected).Where(b => (string?)b!["type"] == "text").Select(b => (string)b!["text_full"]!));
        Assert.Equal(expectedText, string.Concat(run.TextPieces));
        Assert.Equal(final.GetText(), string.Concat(run.TextPieces));
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task Events_RecordedStream_MatchExpectedCountsAndFinalMessage(string file, string chunking)
    {
        (byte[] body, JsonObject expected) = Load(file);

        StreamRun run = await ReplayAsync(body, chunking, ReadMode.Events);

        Message final = run.FinalOrFail();
        AssertFinalMessage(expected, final);

        Assert.Equal((int)expected["events"]!, run.Events.Count);
        var counts = run.Events.GroupBy(e => e.Type).ToDictionary(g => g.Key, g => g.Count());
        var expectedCounts = expected["event_counts"]!.AsObject().ToDictionary(p => p.Key, p => (int)p.Value!);
        Assert.Equal(expectedCounts.OrderBy(p => p.Key, StringComparer.Ordinal), counts.OrderBy(p => p.Key, StringComparer.Ordinal));

        // Order: message_start first, message_stop last, and the last event carries the finished message.
        Assert.IsType<MessageStartEvent>(run.Events[0]);
        MessageStopEvent stop = Assert.IsType<MessageStopEvent>(run.Events[^1]);
        Assert.Equal(final.ToJson(), stop.Message.ToJson());
        Assert.DoesNotContain(run.Events, e => e is UnknownStreamEvent);

        // Each content_block_stop carries the finished block, equal to the final message's block at that index.
        foreach (ContentBlockStopEvent blockStop in run.Events.OfType<ContentBlockStopEvent>())
        {
            Assert.Equal(FixtureSupport.BlockJson(final.Content[blockStop.Index]), FixtureSupport.BlockJson(blockStop.ContentBlock));
        }

        // The text deltas, joined per block, are the final text blocks.
        foreach (IGrouping<int, ContentBlockDeltaEvent> block in run.Events.OfType<ContentBlockDeltaEvent>().Where(d => d.Delta is TextDelta).GroupBy(d => d.Index))
        {
            TextBlock text = Assert.IsType<TextBlock>(final.Content[block.Key]);
            Assert.Equal(text.Text, string.Concat(block.Select(d => ((TextDelta)d.Delta).Text)));
        }

        // Unknown delta types (e.g. compaction_delta) arrive as UnknownContentDelta with their JSON.
        JsonArray blocks = Blocks(expected);
        for (int i = 0; i < blocks.Count; i++)
        {
            if (blocks[i]!["unknown_deltas"] is not JsonArray unknownTypes)
            {
                continue;
            }

            var deltas = run.Events.OfType<ContentBlockDeltaEvent>().Where(d => d.Index == i).Select(d => Assert.IsType<UnknownContentDelta>(d.Delta)).ToList();
            Assert.Equal(unknownTypes.Select(t => (string)t!), deltas.Select(d => d.Type));
            JsonArray payloads = blocks[i]!["unknown_delta_payloads"]!.AsArray();
            for (int k = 0; k < deltas.Count; k++)
            {
                FixtureSupport.AssertJsonEqual(payloads[k], FixtureSupport.Node(deltas[k].Json), $"{file} unknown delta {k} of block {i}");
            }
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Files))]
    public async Task GetFinalMessageAsync_WithoutEnumerating_MatchesExpected(string file)
    {
        (byte[] body, JsonObject expected) = Load(file);

        StreamRun run = await ReplayAsync(body, "random2", ReadMode.FinalOnly);

        AssertFinalMessage(expected, run.FinalOrFail());
    }

    public static IEnumerable<object[]> Files => SharedFixtures.Files("recorded", "*.sse");

    [SkippableFact]
    public void ExpectedJson_ListsEveryRecordedFile_WithMatchingHash()
    {
        string dir = Path.GetDirectoryName(SharedFixtures.PathOf("recorded/expected.json"))!;
        JsonObject expected = Expected.Value!;
        string[] files = Directory.GetFiles(dir, "*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;
        Assert.Equal(expected.Select(p => p.Key).Order(StringComparer.Ordinal), files);
        foreach (string file in files)
        {
            byte[] bytes = File.ReadAllBytes(Path.Combine(dir, file));
            Assert.Equal((int)expected[file]!["bytes"]!, bytes.Length);
            Assert.Equal((string)expected[file]!["sha256"]!, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
    }

    private async Task<StreamRun> ReplayAsync(byte[] body, string chunking, ReadMode mode)
    {
        return await FixtureSupport.RunAsync(fixture.Server, body, chunking, mode);
    }

    private static (byte[] Body, JsonObject Expected) Load(string file)
    {
        byte[] body = FixtureSupport.ReadShared(Path.Combine("recorded", file));
        JsonObject? all = Expected.Value;
        Assert.NotNull(all);
        JsonObject expected = Assert.IsType<JsonObject>(all![file], exactMatch: false);
        return (body, expected);
    }

    private static JsonArray Blocks(JsonObject expected) => expected["blocks"]!.AsArray();

    /// <summary>Checks the final message against one file's expectations: header, blocks, usage, extras, round trips.</summary>
    private static void AssertFinalMessage(JsonObject expected, Message final)
    {
        Assert.Equal((string)expected["id"]!, final.Id);
        Assert.Equal((string)expected["model"]!, final.Model);
        Assert.Equal(MessageRole.Assistant, final.Role);
        Assert.Equal((string)expected["stop_reason"]!, final.StopReason?.Value);
        Assert.Equal((string?)expected["stop_sequence"], final.StopSequence);

        JsonArray blocks = Blocks(expected);
        Assert.Equal(blocks.Select(b => (string)b!["type"]!), final.Content.Select(c => c.Type));
        for (int i = 0; i < blocks.Count; i++)
        {
            AssertBlock(blocks[i]!.AsObject(), final.Content[i], i);
        }

        // Usage: every key of usage_final, compared as JSON, and nothing else.
        JsonObject json = JsonNode.Parse(final.ToJson())!.AsObject();
        JsonObject usage = json["usage"]!.AsObject();
        JsonObject expectedUsage = expected["usage_final"]!.AsObject();
        foreach ((string key, JsonNode? value) in expectedUsage)
        {
            Assert.True(usage.ContainsKey(key), $"usage.{key} is missing from {usage.ToJsonString()}");
            FixtureSupport.AssertJsonEqual(value, usage[key], $"usage.{key}");
        }

        Assert.Equal(expectedUsage.Select(p => p.Key).Order(StringComparer.Ordinal), usage.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal((int)expectedUsage["input_tokens"]!, final.Usage.InputTokens);
        Assert.Equal((int)expectedUsage["output_tokens"]!, final.Usage.OutputTokens);

        // Top-level members this release does not model (stop_details, container) are kept.
        if (expected["other_top_level"] is JsonObject others)
        {
            foreach ((string key, JsonNode? value) in others)
            {
                Assert.True(json.ContainsKey(key), $"top-level {key} is missing from the final message");
                FixtureSupport.AssertJsonEqual(value, json[key], $"top-level {key}");
            }
        }

        // ToJson round-trips exactly.
        string text = final.ToJson();
        Assert.Equal(text, Message.FromJson(text).ToJson());

        // Every block, unknown ones included, survives ToParam into the next request, in order and intact.
        JsonArray param = FixtureSupport.SerializedParamContent(final);
        Assert.Equal(final.Content.Select(c => c.Type), param.Select(b => (string)b!["type"]!));
        for (int i = 0; i < final.Content.Count; i++)
        {
            if (final.Content[i] is UnknownContentBlock unknown)
            {
                FixtureSupport.AssertJsonEqual(FixtureSupport.Node(unknown.Json), param[i], $"unknown block {i} in ToParam");
            }
        }
    }

    private static void AssertBlock(JsonObject expected, ContentBlock block, int index)
    {
        string type = (string)expected["type"]!;
        string where = $"block {index} ({type})";
        Assert.Equal(type, block.Type);
        switch (type)
        {
            case "text":
            {
                TextBlock text = Assert.IsType<TextBlock>(block);
                Assert.Equal((string)expected["text_full"]!, text.Text);
                Assert.Equal((int)expected["chars_utf16"]!, text.Text.Length);
                Assert.Equal((int)expected["utf8_bytes"]!, Encoding.UTF8.GetByteCount(text.Text));
                string[] citations = expected["citations"] is JsonArray c ? c.Select(x => (string)x!).ToArray() : [];
                Assert.Equal(citations, (text.Citations ?? []).Select(x => x.Type));
                break;
            }

            case "thinking":
            {
                ThinkingBlock thinking = Assert.IsType<ThinkingBlock>(block);
                Assert.Equal((string)expected["thinking_full"]!, thinking.Thinking);
                Assert.Equal((int)expected["signature_len"]!, thinking.Signature.Length);
                break;
            }

            case "redacted_thinking":
                Assert.Equal((int)expected["data_len"]!, Assert.IsType<RedactedThinkingBlock>(block).Data.Length);
                break;
            case "tool_use":
            {
                ToolUseBlock tool = Assert.IsType<ToolUseBlock>(block);
                Assert.Equal((string)expected["id"]!, tool.Id);
                Assert.Equal((string)expected["name"]!, tool.Name);
                Assert.True(tool.IsInputComplete, where);
                FixtureSupport.AssertJsonEqual(expected["input"], FixtureSupport.Node(tool.Input), where + " input");
                AssertExtraKeys(expected, FixtureSupport.BlockJson(block), where);
                break;
            }

            case "server_tool_use":
            {
                ServerToolUseBlock tool = Assert.IsType<ServerToolUseBlock>(block);
                Assert.Equal((string)expected["id"]!, tool.Id);
                Assert.Equal((string)expected["name"]!, tool.Name);
                Assert.True(tool.IsInputComplete, where);
                FixtureSupport.AssertJsonEqual(expected["input"], FixtureSupport.Node(tool.Input), where + " input");
                break;
            }

            default:
            {
                // A type this release does not model: kept whole, with the right Type and its JSON.
                UnknownContentBlock unknown = Assert.IsType<UnknownContentBlock>(block);
                JsonObject json = FixtureSupport.Node(unknown.Json)!.AsObject();
                Assert.Equal(type, (string?)json["type"]);
                if (expected["keys"] is JsonArray keys)
                {
                    Assert.Equal(keys.Select(k => (string)k!).Order(StringComparer.Ordinal), json.Select(p => p.Key).Order(StringComparer.Ordinal));
                }

                if (expected["id"] is JsonNode id)
                {
                    Assert.Equal((string)id!, (string?)json["id"]);
                    Assert.Equal((string)expected["name"]!, (string?)json["name"]);
                }

                if (expected["input"] is JsonNode input)
                {
                    FixtureSupport.AssertJsonEqual(input, json["input"], where + " input");
                }

                if (expected["tool_use_id"] is JsonNode toolUseId)
                {
                    Assert.Equal((string)toolUseId!, (string?)json["tool_use_id"]);
                }

                if (expected["content_items"] is JsonNode items)
                {
                    Assert.Equal((int)items!, json["content"]!.AsArray().Count);
                }

                if (expected["content_type"] is JsonNode contentType)
                {
                    Assert.Equal((string)contentType!, (string?)json["content"]!["type"]);
                }

                AssertExtraKeys(expected, unknown.Json.GetRawText(), where);
                break;
            }
        }
    }

    private static void AssertExtraKeys(JsonObject expected, string blockJson, string where)
    {
        if (expected["extra_keys"] is not JsonObject extra)
        {
            return;
        }

        JsonObject json = JsonNode.Parse(blockJson)!.AsObject();
        foreach ((string key, JsonNode? value) in extra)
        {
            FixtureSupport.AssertJsonEqual(value, json[key], $"{where} member {key}");
        }
    }
}
