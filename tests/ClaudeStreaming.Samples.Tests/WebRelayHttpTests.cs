using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Samples.Tests;

/// <summary>The WebRelay's wire format, read with the BCL's own SSE parser.</summary>
[Collection(WebRelayTestGroup.Name)]
public sealed class WebRelayHttpTests(WebRelayFixture relay) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = relay.Address, Timeout = TimeSpan.FromSeconds(60) };

    [Fact]
    public async Task Chat_StreamsTextEventsThenUsage_NonAsciiIntact()
    {
        relay.Upstream.Enqueue(FakeReply.Create().TextDeltas("Café ", "in 日本", ", then ", "🚀!").Usage(input: 12, output: 8));
        int before = relay.Upstream.Requests.Count;

        using HttpResponseMessage response = await PostChatAsync("""{"messages":[{"role":"user","content":"Hi"}]}""");
        byte[] body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-cache", response.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        List<SseItem<string>> events = Parse(body);
        Assert.Equal(["text", "text", "text", "text", "usage"], events.Select(e => e.EventType));
        Assert.Equal(["Café ", "in 日本", ", then ", "🚀!"], events.Take(4).Select(e => JsonSerializer.Deserialize<string>(e.Data)));
        // Non-ASCII travels as UTF-8 on the wire, not as \u escapes.
        Assert.Contains("data: \"in 日本\"", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
        using JsonDocument usage = JsonDocument.Parse(events[4].Data);
        Assert.Equal(12, usage.RootElement.GetProperty("input_tokens").GetInt32());
        Assert.Equal(8, usage.RootElement.GetProperty("output_tokens").GetInt32());
        Assert.Equal("end_turn", usage.RootElement.GetProperty("stop_reason").GetString());

        RecordedRequest upstream = relay.Upstream.Requests[before];
        Assert.Equal("test-key", upstream.Headers["x-api-key"]);
        Assert.True(upstream.Json.GetProperty("stream").GetBoolean());
    }

    [Fact]
    public async Task Chat_ForwardsTheWholeConversation()
    {
        relay.Upstream.Enqueue(FakeReply.CreateText("Noted."));
        int before = relay.Upstream.Requests.Count;

        using HttpResponseMessage response = await PostChatAsync("""
            {"system":"Be brief.","messages":[
              {"role":"user","content":"My name is Zoé."},
              {"role":"assistant","content":[{"type":"text","text":"Hello Zoé!"}]},
              {"role":"user","content":"What is my name?"}]}
            """);
        List<SseItem<string>> events = Parse(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal("usage", events[^1].EventType);
        JsonElement sent = relay.Upstream.Requests[before].Json;
        Assert.Equal("Be brief.", sent.GetProperty("system").ValueKind == JsonValueKind.String
            ? sent.GetProperty("system").GetString()
            : sent.GetProperty("system")[0].GetProperty("text").GetString());
        JsonElement messages = sent.GetProperty("messages");
        Assert.Equal(3, messages.GetArrayLength());
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Contains("Hello Zoé!", messages[1].GetProperty("content").GetRawText().Replace("\\u00E9", "é", StringComparison.OrdinalIgnoreCase), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_UpstreamError_RelaysErrorEvent()
    {
        relay.Upstream.Enqueue(FakeReply.HttpError(400, "invalid_request_error", "max_tokens: 9999999 is too large", requestId: "req_relay_1"));

        using HttpResponseMessage response = await PostChatAsync("""{"messages":[{"role":"user","content":"Hi"}]}""");
        List<SseItem<string>> events = Parse(await response.Content.ReadAsByteArrayAsync());

        SseItem<string> error = Assert.Single(events);
        Assert.Equal("error", error.EventType);
        using JsonDocument data = JsonDocument.Parse(error.Data);
        Assert.Equal("invalid_request_error", data.RootElement.GetProperty("type").GetString());
        Assert.Equal("max_tokens: 9999999 is too large", data.RootElement.GetProperty("message").GetString());
        Assert.Equal(400, data.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("req_relay_1", data.RootElement.GetProperty("request_id").GetString());
        Assert.DoesNotContain("test-key", error.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ErrorEventMidStream_RelaysTextThenError()
    {
        relay.Upstream.Enqueue(FakeReply.Create().TextDeltas("Part ", "one").ErrorEventAfterDeltas(2, "overloaded_error", "Overloaded"));

        using HttpResponseMessage response = await PostChatAsync("""{"messages":[{"role":"user","content":"Hi"}]}""");
        List<SseItem<string>> events = Parse(await response.Content.ReadAsByteArrayAsync());

        Assert.Equal(["text", "text", "error"], events.Select(e => e.EventType));
        using JsonDocument data = JsonDocument.Parse(events[2].Data);
        Assert.Equal("overloaded_error", data.RootElement.GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"messages":[]}""")]
    [InlineData("""{"messages":[{"role":"robot","content":"Hi"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":[{"type":"image","source":{}}]}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"Hello"}]}""")]
    public async Task Chat_InvalidConversation_Returns400WithoutCallingUpstream(string body)
    {
        int before = relay.Upstream.Requests.Count;

        using HttpResponseMessage response = await PostChatAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(problem.RootElement.GetProperty("error").GetString()));
        Assert.Equal(before, relay.Upstream.Requests.Count);
    }

    [Fact]
    public async Task Chat_ClientDisconnects_UpstreamRequestIsAborted()
    {
        var gate = new DeltaGate();
        relay.Upstream.Enqueue(FakeReply.Create().TextDeltas("One ", "two ", "three ", "four").Gate(gate.WaitAsync));
        int before = relay.Upstream.Requests.Count;
        gate.Release(0);

        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/chat")
        {
            Content = new StringContent("""{"messages":[{"role":"user","content":"Count"}]}""", Encoding.UTF8, "application/json"),
        })
        using (HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            await using Stream body = await response.Content.ReadAsStreamAsync();
            await using IAsyncEnumerator<SseItem<string>> events = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
            Assert.True(await events.MoveNextAsync());
            Assert.Equal("\"One \"", events.Current.Data);
            await gate.Reached(1);
        } // closes the connection to the relay mid-reply

        RecordedRequest upstream = relay.Upstream.Requests[before];
        await upstream.Aborted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(upstream.CompletedNormally);
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> PostChatAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        return await _http.PostAsync("api/chat", content);
    }

    private static List<SseItem<string>> Parse(byte[] body) =>
        [.. SseParser.Create(new MemoryStream(body)).Enumerate()];
}
