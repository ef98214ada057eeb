using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Tests;

/// <summary>Replies chosen per request and the block kinds tests need next (issue 14, item 4).</summary>
public sealed class ScriptingTests
{
    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task EnqueueFunction_ToolLoop_SecondReplyReadsTheToolResult(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().ToolUse("toolu_1", "get_weather", """{"city":"Paris"}"""));
        fake.Enqueue(request =>
        {
            JsonElement result = Assert.Single(request.ToolResults);
            string forecast = result.GetProperty("content").GetString()!;
            return FakeReply.Create().TextDeltas($"The tool said: {forecast}");
        });

        using HttpResponseMessage first = await fake.PostAsync();
        List<SseItem<string>> firstEvents = await FakeEndpoint.ReadEventsAsync(first);
        using HttpResponseMessage second = await fake.SendAsync(ToolResultRequest("toolu_1", "sunny, 24 °C"));
        List<SseItem<string>> secondEvents = await FakeEndpoint.ReadEventsAsync(second);

        Assert.Equal("tool_use", firstEvents.Single(e => e.EventType == "message_delta").Json().GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal("The tool said: sunny, 24 °C", secondEvents.Joined("text_delta", "text"));
        Assert.Empty(fake.Requests[0].ToolResults);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Responder_QueueEmpty_ChoosesEachReplyFromTheRequest(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().TextDeltas("queued first"));
        fake.Responder = request => FakeReply.Create().TextDeltas("echo " + request.Model);

        using HttpResponseMessage queued = await fake.PostAsync();
        using HttpRequestMessage other = FakeEndpoint.NewRequest(model: "claude-haiku-4-5");
        using HttpResponseMessage responded = await fake.Client.SendAsync(other);

        Assert.Equal("queued first", (await FakeEndpoint.ReadEventsAsync(queued)).Joined("text_delta", "text"));
        Assert.Equal("echo claude-haiku-4-5", (await FakeEndpoint.ReadEventsAsync(responded)).Joined("text_delta", "text"));
    }

    [Fact]
    public async Task EnqueueFunction_Throws_RequestFailsAndIsRecorded()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(_ => throw new InvalidOperationException("script bug"));

        await Assert.ThrowsAsync<HttpRequestException>(() => fake.PostAsync());

        RecordedRequest request = Assert.Single(fake.Requests);
        await request.Finished.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(request.CompletedNormally);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task CutAtMaxTokens_InsideToolInput_LastBlockLeftOpenThenMaxTokens(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("Let me look.").ToolUse("toolu_1", "search", """{"query":"the wea""", fragmentLength: 6).CutAtMaxTokens());

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal(1, events.Count(e => e.EventType == "content_block_stop"));
        Assert.Equal(0, events.Single(e => e.EventType == "content_block_stop").Json().GetProperty("index").GetInt32());
        Assert.Equal("""{"query":"the wea""", events.Joined("input_json_delta", "partial_json"));
        Assert.Equal(["content_block_delta", "message_delta", "message_stop"], events.TakeLast(3).Select(e => e.EventType));
        Assert.Equal("max_tokens", events[^2].Json().GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task ServerToolBlockAndCitations_StreamedAsTheApiSendsThem(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        const string Citation = """{"type":"char_location","cited_text":"Thirty days.","document_index":0,"document_title":null,"start_char_index":0,"end_char_index":12}""";
        fake.Enqueue(FakeReply.Create()
            .ServerToolUse("srvtoolu_1", "web_search", """{"query":"returns"}""")
            .Block("""{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]}""")
            .TextWithCitations("Returns take thirty days.", Citation)
            .Block("""{"type":"future_block","value":""}""", """{"type":"future_delta","value":"x"}"""));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Events.AssertWellFormed(events);
        JsonElement[] starts = [.. events.Where(e => e.EventType == "content_block_start").Select(e => e.Json().GetProperty("content_block"))];
        Assert.Equal(["server_tool_use", "web_search_tool_result", "text", "future_block"], starts.Select(s => s.GetProperty("type").GetString()));
        Assert.Equal(0, starts[2].GetProperty("citations").GetArrayLength());
        Assert.Equal("""{"query":"returns"}""", events.Where(e => e.Data.Contains("\"index\":0", StringComparison.Ordinal)).Joined("input_json_delta", "partial_json"));
        JsonElement citation = events.Single(e => e.Data.Contains("citations_delta", StringComparison.Ordinal)).Json().GetProperty("delta").GetProperty("citation");
        Assert.Equal("Thirty days.", citation.GetProperty("cited_text").GetString());
        Assert.Equal("Returns take thirty days.", events.Joined("text_delta", "text"));
        Assert.Equal("x", events.Single(e => e.Data.Contains("future_delta", StringComparison.Ordinal)).Json().GetProperty("delta").GetProperty("value").GetString());

        // A server tool does not make the stop reason tool_use.
        Assert.Equal("end_turn", events[^2].Json().GetProperty("delta").GetProperty("stop_reason").GetString());
    }

    [Fact]
    public async Task ServerToolBlockAndCitations_NonStreaming_InTheMessageContent()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create()
            .ServerToolUse("srvtoolu_1", "web_search", """{"query":"returns"}""")
            .TextWithCitations("Thirty days.", """{"type":"char_location","cited_text":"Thirty days."}"""));

        using HttpResponseMessage response = await fake.SendAsync(FakeEndpoint.NewRequest(stream: false));
        using JsonDocument message = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        JsonElement content = message.RootElement.GetProperty("content");
        Assert.Equal("returns", content[0].GetProperty("input").GetProperty("query").GetString());
        Assert.Equal("Thirty days.", content[1].GetProperty("citations")[0].GetProperty("cited_text").GetString());
    }

    [Fact]
    public void Block_NotAJsonObject_Throws()
    {
        Assert.Throws<ArgumentException>(() => FakeReply.Create().Block("[1]"));
        Assert.Throws<ArgumentException>(() => FakeReply.Create().Block("""{"type":"x"}""", "not json"));
        Assert.Throws<ArgumentException>(() => FakeReply.Create().TextWithCitations("t", "\"string\""));
        Assert.Throws<ArgumentOutOfRangeException>(() => FakeReply.RateLimited(TimeSpan.FromSeconds(-1)));
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task RateLimitSequence_429Then429Then200_InOrder(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.RateLimited(), FakeReply.RateLimited(TimeSpan.FromSeconds(1)), FakeReply.Create().Text("ok"));

        using HttpResponseMessage first = await fake.PostAsync();
        using HttpResponseMessage second = await fake.PostAsync();
        using HttpResponseMessage third = await fake.PostAsync();

        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests, HttpStatusCode.OK], new[] { first.StatusCode, second.StatusCode, third.StatusCode });
        Assert.Equal("1", Assert.Single(second.Headers.GetValues("retry-after")));
    }

    private static HttpRequestMessage ToolResultRequest(string toolUseId, string result)
    {
        string body = $$$"""
            {"model":"claude-sonnet-4-5","max_tokens":64,"stream":true,"messages":[
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":[{"type":"tool_use","id":"{{{toolUseId}}}","name":"get_weather","input":{"city":"Paris"}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"{{{toolUseId}}}","content":"{{{result}}}"}]}]}
            """;
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "test-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }
}
