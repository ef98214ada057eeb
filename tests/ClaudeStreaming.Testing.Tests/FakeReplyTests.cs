using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Tests;

public sealed class FakeReplyTests
{
    private const string NonAscii = "Café au lait, 日本 and a rocket 🚀 — naïve\n\"quoted\" \\ tab\t.";

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Text_NonAsciiParagraph_WellFormedEventsWhoseDeltasJoinToTheText(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create(model: "claude-sonnet-4-6").Text(NonAscii, wordsPerDelta: 1).Ping().Usage(input: 12, output: 34));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("utf-8", response.Content.Headers.ContentType.CharSet);
        Assert.StartsWith("req_", Assert.Single(response.Headers.GetValues("request-id")), StringComparison.Ordinal);
        Events.AssertWellFormed(events);
        Assert.Equal(NonAscii, events.Joined("text_delta", "text"));
        Assert.Equal(NonAscii.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length, events.Count(e => e.EventType == "content_block_delta"));
        Assert.Contains(events, e => e.EventType == "ping");

        JsonElement message = events[0].Json().GetProperty("message");
        Assert.StartsWith("msg_", message.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("claude-sonnet-4-6", message.GetProperty("model").GetString());
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal(0, message.GetProperty("content").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, message.GetProperty("stop_reason").ValueKind);
        Assert.Equal(12, message.GetProperty("usage").GetProperty("input_tokens").GetInt32());
        Assert.InRange(message.GetProperty("usage").GetProperty("output_tokens").GetInt32(), 1, 5);

        JsonElement messageDelta = events[^2].Json();
        Assert.Equal("end_turn", messageDelta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(JsonValueKind.Null, messageDelta.GetProperty("delta").GetProperty("stop_sequence").ValueKind);
        Assert.Equal(34, messageDelta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
    }

    [Fact]
    public async Task Text_NonAscii_WrittenAsRawUtf8NotEscaped()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.CreateText("日本 🚀 é"));

        using HttpResponseMessage response = await fake.PostAsync();
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        string text = Encoding.UTF8.GetString(body);

        Assert.Contains("🚀", text, StringComparison.Ordinal);
        Assert.Contains("日本", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u", text, StringComparison.Ordinal);
        Assert.Contains("event: content_block_delta\ndata: {", text, StringComparison.Ordinal);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task ToolUse_InputJson_EmptyFirstFragmentThenCutsThatJoinToTheInput(Transport transport)
    {
        const string Input = "{\"city\":\"Paris\",\"note\":\"très 🚀 chaud\"}";
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("Checking the forecast.").ToolUse("toolu_1", "get_weather", Input, fragmentLength: 5).Usage(input: 390, output: 58));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Events.AssertWellFormed(events);
        JsonElement toolStart = events.Where(e => e.EventType == "content_block_start").Select(e => e.Json()).Last();
        Assert.Equal(1, toolStart.GetProperty("index").GetInt32());
        JsonElement block = toolStart.GetProperty("content_block");
        Assert.Equal("tool_use", block.GetProperty("type").GetString());
        Assert.Equal("toolu_1", block.GetProperty("id").GetString());
        Assert.Equal("get_weather", block.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, block.GetProperty("input").ValueKind);

        var fragments = events.Where(e => e.EventType == "content_block_delta" && e.Json().GetProperty("index").GetInt32() == 1)
            .Select(e => e.DeltaText("partial_json")).ToList();
        Assert.Equal("", fragments[0]);
        Assert.All(fragments.Skip(1), f => Assert.InRange(f.Length, 1, 6));
        Assert.Equal(Input, string.Concat(fragments));
        Assert.Equal("Checking the forecast.", events.Joined("text_delta", "text"));
        Assert.Equal("tool_use", events[^2].Json().GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task Thinking_ThenText_ThinkingDeltasThenOneSignatureDeltaBeforeStop()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create().Thinking("12 * 12 is 144; add 6 gives 150.", signature: "sig").Text("The answer is 150."));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Events.AssertWellFormed(events);
        JsonElement start = events[1].Json().GetProperty("content_block");
        Assert.Equal("thinking", start.GetProperty("type").GetString());
        Assert.Equal("", start.GetProperty("signature").GetString());
        Assert.Equal("12 * 12 is 144; add 6 gives 150.", events.Joined("thinking_delta", "thinking"));
        int stop = events.FindIndex(e => e.EventType == "content_block_stop");
        Assert.Equal("signature_delta", events[stop - 1].Json().GetProperty("delta").GetProperty("type").GetString());
        Assert.Equal("sig", events[stop - 1].DeltaText("signature"));
        Assert.Single(events, e => e.EventType == "content_block_delta" && e.Data.Contains("signature_delta", StringComparison.Ordinal));
        Assert.Equal("The answer is 150.", events.Joined("text_delta", "text"));
    }

    [Fact]
    public async Task StopReason_StopSequence_ReportedInMessageDelta()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create(messageId: "msg_fixed").TextDeltas("a", "b").StopReason("stop_sequence", "END").RequestId("req_fixed"));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        JsonElement delta = events[^2].Json().GetProperty("delta");
        Assert.Equal("stop_sequence", delta.GetProperty("stop_reason").GetString());
        Assert.Equal("END", delta.GetProperty("stop_sequence").GetString());
        Assert.Equal("msg_fixed", events[0].Json().GetProperty("message").GetProperty("id").GetString());
        Assert.Equal("req_fixed", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal(["a", "b"], events.Where(e => e.EventType == "content_block_delta").Select(e => e.DeltaText("text")));
    }

    [Fact]
    public void Fluent_Methods_ReturnNewInstancesAndLeaveTheOriginalUnchanged()
    {
        FakeReply original = FakeReply.Create();
        FakeReply withText = original.Text("hello");

        Assert.NotSame(original, withText);
        Assert.Contains("0 blocks", original.ToString(), StringComparison.Ordinal);
        Assert.Contains("1 blocks", withText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void StreamMethods_OnHttpErrorReply_Throw()
    {
        FakeReply error = FakeReply.HttpError(429, "rate_limit_error", "slow down");

        Assert.Throws<InvalidOperationException>(() => error.Text("x"));
        Assert.Throws<InvalidOperationException>(() => error.DisconnectAfterDeltas(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => FakeReply.Create().Text("x", wordsPerDelta: 0));
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Raw_WithChunkLengths_ReplaysTheExactBytes(Transport transport)
    {
        byte[] recorded = Encoding.UTF8.GetBytes("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}           }\r\n\r\n: keep-alive\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n🚀");
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Raw(recorded, [1, 2, 3]), FakeReply.RawText("data: é\n\n", chunkSize: 1));

        using HttpResponseMessage first = await fake.PostAsync();
        byte[] firstBody = await first.Content.ReadAsByteArrayAsync();
        using HttpResponseMessage second = await fake.PostAsync();
        List<SseItem<string>> secondEvents = await FakeEndpoint.ReadEventsAsync(second);

        Assert.Equal(recorded, firstBody);
        Assert.Equal("text/event-stream", first.Content.Headers.ContentType!.MediaType);
        Assert.Equal("é", Assert.Single(secondEvents).Data);
    }
}
