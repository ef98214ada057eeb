using System.Globalization;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Tests;

/// <summary>The API's own checks and the response details real replies carry (issue 14, items 1-3).</summary>
public sealed class RealisticApiTests
{
    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task NonStreamingRequest_SameScript_OneJsonMessage(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        FakeReply script = FakeReply.Create(messageId: "msg_01FixedId")
            .Thinking("Let me think.", signature: "sig-1")
            .Text("It is sunny.")
            .ToolUse("toolu_1", "get_weather", """{"city":"Paris"}""", fragmentLength: 3)
            .Usage(input: 20, output: 30, cacheCreation: 5, cacheRead: 7);
        fake.Enqueue(script, script);

        using HttpResponseMessage response = await fake.SendAsync(FakeEndpoint.NewRequest(stream: false, model: "claude-opus-4-5"));
        using HttpResponseMessage streamed = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(streamed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        using JsonDocument document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement message = document.RootElement;
        Assert.Equal("message", message.GetProperty("type").GetString());
        Assert.Equal("msg_01FixedId", message.GetProperty("id").GetString());
        Assert.Equal("claude-opus-4-5", message.GetProperty("model").GetString());
        Assert.Equal("tool_use", message.GetProperty("stop_reason").GetString());
        JsonElement[] content = [.. message.GetProperty("content").EnumerateArray()];
        Assert.Equal(["thinking", "text", "tool_use"], content.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("Let me think.", content[0].GetProperty("thinking").GetString());
        Assert.Equal("sig-1", content[0].GetProperty("signature").GetString());
        Assert.Equal("It is sunny.", content[1].GetProperty("text").GetString());
        Assert.Equal("Paris", content[2].GetProperty("input").GetProperty("city").GetString());
        JsonElement usage = message.GetProperty("usage");
        Assert.Equal(20, usage.GetProperty("input_tokens").GetInt32());
        Assert.Equal(30, usage.GetProperty("output_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("cache_creation_input_tokens").GetInt32());
        Assert.Equal(7, usage.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal(5, usage.GetProperty("cache_creation").GetProperty("ephemeral_5m_input_tokens").GetInt32());
        Assert.Equal("standard", usage.GetProperty("service_tier").GetString());

        // The streamed form of the same script carries the same id, stop reason and totals.
        Assert.Equal("msg_01FixedId", events[0].Json().GetProperty("message").GetProperty("id").GetString());
        JsonElement delta = events.Single(e => e.EventType == "message_delta").Json();
        Assert.Equal("tool_use", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal(30, delta.GetProperty("usage").GetProperty("output_tokens").GetInt32());
        Assert.False(Assert.Single(fake.Requests, r => !r.IsStreaming).IsStreaming);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task NonStreamingRequest_ErrorEventScript_HttpErrorOfThatType(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("a b c").ErrorEventAfterDeltas(1, "overloaded_error", "Overloaded").RequestId("req_ov"));

        using HttpResponseMessage response = await fake.SendAsync(FakeEndpoint.NewRequest(stream: false));

        Assert.Equal(529, (int)response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("overloaded_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("req_ov", body.RootElement.GetProperty("request_id").GetString());
        Assert.Equal("true", Assert.Single(response.Headers.GetValues("x-should-retry")));
    }

    public static TheoryData<Transport, string, string?, string?, int, string, string> RejectedRequests => new()
    {
        // transport, body, x-api-key, anthropic-version, status, error type, message
        { Transport.Server, Valid, null, "2023-06-01", 401, "authentication_error", "x-api-key header is required" },
        { Transport.Handler, Valid, "wrong-key", "2023-06-01", 401, "authentication_error", "invalid x-api-key" },
        { Transport.Server, Valid, "expected-key", null, 400, "invalid_request_error", "anthropic-version: header is required" },
        { Transport.Handler, Valid, "expected-key", "2099-01-01", 400, "invalid_request_error", "anthropic-version: \"2099-01-01\" is not a valid version" },
        { Transport.Server, "{not json", "expected-key", "2023-06-01", 400, "invalid_request_error", "There was an error parsing the body of your request. Check that it is valid JSON." },
        { Transport.Handler, """{"max_tokens":5,"messages":[]}""", "expected-key", "2023-06-01", 400, "invalid_request_error", "model: Field required" },
        { Transport.Server, """{"model":"m","messages":[]}""", "expected-key", "2023-06-01", 400, "invalid_request_error", "max_tokens: Field required" },
        { Transport.Handler, """{"model":"m","max_tokens":5}""", "expected-key", "2023-06-01", 400, "invalid_request_error", "messages: Field required" },
    };

    private const string Valid = """{"model":"claude-sonnet-4-5","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""";

    [Theory]
    [MemberData(nameof(RejectedRequests))]
    public async Task Checks_OnByDefault_RejectAsTheApiDoesWithoutConsumingAReply(
        Transport transport, string body, string? apiKey, string? version, int status, string errorType, string message)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Options.ApiKey = "expected-key";
        fake.Enqueue(FakeReply.Create().TextDeltas("kept for the next request"));

        using HttpResponseMessage rejected = await fake.SendAsync(Request(body, apiKey, version));
        using HttpResponseMessage accepted = await fake.SendAsync(Request(Valid, "expected-key", "2023-06-01"));

        Assert.Equal(status, (int)rejected.StatusCode);
        Assert.Equal("application/json", rejected.Content.Headers.ContentType!.MediaType);
        string requestId = Assert.Single(rejected.Headers.GetValues("request-id"));
        Assert.Matches("^req_011C[0-9A-Za-z]{20}$", requestId);
        Assert.Equal("false", Assert.Single(rejected.Headers.GetValues("x-should-retry")));
        using JsonDocument error = JsonDocument.Parse(await rejected.Content.ReadAsStringAsync());
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal(errorType, error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(message, error.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(requestId, error.RootElement.GetProperty("request_id").GetString());
        Assert.Contains("kept for the next request", await accepted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Checks_EachSwitchedOff_OddRequestIsServed(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Options.RequireApiKey = false;
        fake.Options.RequireVersion = false;
        fake.Options.ValidateBody = false;

        using HttpResponseMessage response = await fake.SendAsync(Request("{}", apiKey: null, version: null));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // With only the key check back on, the same request is a 401 again.
        fake.Options.RequireApiKey = true;
        using HttpResponseMessage again = await fake.SendAsync(Request("{}", apiKey: null, version: null));
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Theory]
    [InlineData("2023-01-01", HttpStatusCode.OK)]
    [InlineData("2026-10-21", HttpStatusCode.OK)]     // what the official SDKs of this era send
    [InlineData("2026-12-02", HttpStatusCode.BadRequest)] // after "today" (the fixed clock below)
    [InlineData("2022-12-31", HttpStatusCode.BadRequest)]
    [InlineData("latest", HttpStatusCode.BadRequest)]
    public async Task Checks_VersionIsAReleaseDateUpToToday(string version, HttpStatusCode expected)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Options.TimeProvider = new FixedTime(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

        using HttpResponseMessage response = await fake.SendAsync(Request(Valid, "k", version));

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task NonStreamingRequest_Truncated_HalfAJsonBody(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.Create().Text("a b c d").TruncateAfterDeltas(1));

        using HttpResponseMessage response = await fake.SendAsync(FakeEndpoint.NewRequest(stream: false));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("{\"id\":\"msg_01", body, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(body));
    }

    [Fact]
    public void Create_EmptyModel_Throws() => Assert.Throws<ArgumentException>(() => FakeReply.Create(model: ""));

    [Fact]
    public async Task Checks_BearerToken_AcceptedAsTheKey()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Options.ApiKey = "token-1";
        HttpRequestMessage request = Request(Valid, apiKey: null, version: "2023-06-01");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "token-1");

        using HttpResponseMessage response = await fake.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Stream_Defaults_RequestedModelPingAfterFirstBlockStartIdsUsageAndRateLimitHeaders(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        var now = new DateTimeOffset(2026, 12, 1, 21, 0, 0, TimeSpan.Zero);
        fake.Options.TimeProvider = new FixedTime(now);
        fake.Enqueue(FakeReply.Create().Text("one two").Text("three"));

        using HttpRequestMessage request = FakeEndpoint.NewRequest(model: "claude-haiku-4-5");
        using HttpResponseMessage response = await fake.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal(
            ["message_start", "content_block_start", "ping", "content_block_delta", "content_block_delta", "content_block_stop",
             "content_block_start", "content_block_delta", "content_block_stop", "message_delta", "message_stop"],
            events.Select(e => e.EventType));
        Assert.Equal("""{"type": "ping"}""", events[2].Data);
        JsonElement message = events[0].Json().GetProperty("message");
        Assert.Equal("claude-haiku-4-5", message.GetProperty("model").GetString());
        Assert.Matches("^msg_01[0-9A-Za-z]{22}$", message.GetProperty("id").GetString());
        JsonElement usage = message.GetProperty("usage");
        Assert.Equal(0, usage.GetProperty("cache_creation").GetProperty("ephemeral_1h_input_tokens").GetInt32());
        Assert.Equal("standard", usage.GetProperty("service_tier").GetString());
        Assert.Matches("^req_011C[0-9A-Za-z]{20}$", Assert.Single(response.Headers.GetValues("request-id")));
        Assert.Equal("4000", Assert.Single(response.Headers.GetValues("anthropic-ratelimit-requests-limit")));
        Assert.Equal("3999", Assert.Single(response.Headers.GetValues("anthropic-ratelimit-requests-remaining")));
        Assert.Equal("2026-12-01T21:01:00Z", Assert.Single(response.Headers.GetValues("anthropic-ratelimit-tokens-reset")));
        Assert.True(response.Headers.Contains("anthropic-ratelimit-input-tokens-remaining"));
        Assert.True(response.Headers.Contains("anthropic-ratelimit-output-tokens-remaining"));
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Stream_DefaultsSwitchedOffOrOverridden_ScriptWins(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Options.AutoPing = false;
        fake.Options.RateLimitHeaders = false;
        fake.Enqueue(
            FakeReply.Create(model: "claude-script-model").Text("a"),
            FakeReply.Create().Text("b").Ping());

        using HttpResponseMessage first = await fake.PostAsync();
        List<SseItem<string>> firstEvents = await FakeEndpoint.ReadEventsAsync(first);
        fake.Options.AutoPing = true;
        fake.Options.EchoModel = false;
        using HttpResponseMessage second = await fake.PostAsync();
        List<SseItem<string>> secondEvents = await FakeEndpoint.ReadEventsAsync(second);

        Assert.DoesNotContain(firstEvents, e => e.EventType == "ping");
        Assert.False(first.Headers.Contains("anthropic-ratelimit-requests-limit"));
        Assert.Equal("claude-script-model", firstEvents[0].Json().GetProperty("message").GetProperty("model").GetString());

        // A script with its own ping gets no automatic one; with EchoModel off the default model is named.
        Assert.Equal(["content_block_stop", "ping", "message_delta"], secondEvents.Select(e => e.EventType).Skip(3).Take(3));
        Assert.Single(secondEvents, e => e.EventType == "ping");
        Assert.Equal(FakeReply.DefaultModel, secondEvents[0].Json().GetProperty("message").GetProperty("model").GetString());
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task RateLimitedAndOverloaded_CarryRetryAfterAndShouldRetry(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(
            FakeReply.RateLimited(),
            FakeReply.Overloaded(TimeSpan.FromMilliseconds(1500)),
            FakeReply.HttpError(429, "rate_limit_error", "custom", headers: new Dictionary<string, string> { ["retry-after"] = "7", ["x-should-retry"] = "false" }));

        using HttpResponseMessage limited = await fake.PostAsync();
        using HttpResponseMessage overloaded = await fake.PostAsync();
        using HttpResponseMessage custom = await fake.PostAsync();

        Assert.Equal(429, (int)limited.StatusCode);
        Assert.Equal("0", Assert.Single(limited.Headers.GetValues("retry-after")));
        Assert.Equal("true", Assert.Single(limited.Headers.GetValues("x-should-retry")));
        Assert.Equal("0", Assert.Single(limited.Headers.GetValues("anthropic-ratelimit-requests-remaining")));
        using (JsonDocument body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync()))
        {
            Assert.Equal("rate_limit_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        }

        Assert.Equal(529, (int)overloaded.StatusCode);
        Assert.Equal("2", Assert.Single(overloaded.Headers.GetValues("retry-after")));
        Assert.Equal("7", Assert.Single(custom.Headers.GetValues("retry-after")));
        Assert.Equal("false", Assert.Single(custom.Headers.GetValues("x-should-retry")));
    }

    [Fact]
    public async Task ErrorEvent_CarriesTheResponsesRequestId()
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Handler);
        fake.Enqueue(FakeReply.Create().Text("a b").ErrorEventAfterDeltas(1, "overloaded_error", "Overloaded"));

        using HttpResponseMessage response = await fake.PostAsync();
        List<SseItem<string>> events = await FakeEndpoint.ReadEventsAsync(response);

        JsonElement error = events[^1].Json();
        Assert.Equal("error", events[^1].EventType);
        Assert.Equal(Assert.Single(response.Headers.GetValues("request-id")), error.GetProperty("request_id").GetString());
    }

    private static HttpRequestMessage Request(string body, string? apiKey, string? version)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (apiKey is not null)
        {
            request.Headers.Add("x-api-key", apiKey);
        }

        if (version is not null)
        {
            request.Headers.Add("anthropic-version", version);
        }

        return request;
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
