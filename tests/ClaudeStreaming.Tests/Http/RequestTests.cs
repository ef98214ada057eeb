using System.Text.Json;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

public sealed class RequestTests
{
    [Fact]
    public async Task StreamAsync_SendsHeadersAndStreamingBody()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Options.RequireVersion = false; // the API would reject the made-up version this test sends
        server.Enqueue(FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(server, o => { o.Betas.Add("beta-a"); o.Betas.Add("beta-b"); o.AnthropicVersion = "2099-01-01"; });

        await using MessageStream stream = await client.Messages.StreamAsync(TestClients.Request());
        await stream.GetFinalMessageAsync();

        RecordedRequest sent = Assert.Single(server.Requests);
        Assert.Equal("POST", sent.Method);
        Assert.Equal("/v1/messages", sent.Path);
        Assert.Equal(TestClients.ApiKey, sent.Headers["x-api-key"]);
        Assert.False(sent.Headers.ContainsKey("authorization"));
        Assert.Equal("2099-01-01", sent.Headers["anthropic-version"]);
        Assert.Equal("beta-a,beta-b", sent.Headers["anthropic-beta"]);
        Assert.StartsWith("ClaudeStreaming/", sent.Headers["user-agent"], StringComparison.Ordinal);
        Assert.StartsWith("application/json", sent.Headers["content-type"], StringComparison.Ordinal);
        Assert.True(sent.Json.GetProperty("stream").GetBoolean());
        Assert.Equal("claude-sonnet-4-6", sent.Json.GetProperty("model").GetString());
        Assert.Equal(1024, sent.Json.GetProperty("max_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamAsync_DefaultVersion_Is20230601()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(server);

        await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalMessageAsync();

        Assert.Equal("2023-06-01", server.Requests[0].Headers["anthropic-version"]);
        Assert.False(server.Requests[0].Headers.ContainsKey("anthropic-beta"));
    }

    [Fact]
    public async Task StreamAsync_FullRequest_SerializesEveryMember()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(server);
        var request = new MessageRequest
        {
            Model = "claude-opus-4-6",
            MaxTokens = 4096,
            System = new SystemPrompt([new TextBlock("Cached rules.") { CacheControl = CacheControl.Ephemeral }]),
            Messages =
            [
                MessageParam.User(
                    new TextBlock("Look"),
                    ImageBlock.FromBase64("image/png", "iVBORw0KGgo="),
                    DocumentBlock.FromText("Doc body", "Doc") with { Citations = new CitationsConfig { Enabled = true } }),
                MessageParam.Assistant(
                    new ThinkingBlock { Thinking = "hmm", Signature = "sig" },
                    new RedactedThinkingBlock { Data = "opaque" },
                    new ToolUseBlock { Id = "toolu_1", Name = "get_weather", Input = JsonElement.Parse("""{"city":"Paris"}""") }),
                MessageParam.User(ToolResultBlock.FromText("toolu_1", "18°C", isError: false)),
            ],
            Temperature = 0.5,
            TopP = 0.9,
            TopK = 40,
            StopSequences = ["END"],
            Tools = [ToolDefinition.Custom("get_weather", "Weather", """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""), ToolDefinition.WebSearch(maxUses: 3)],
            ToolChoice = ToolChoice.Tool("get_weather") with { DisableParallelToolUse = true },
            Thinking = ThinkingConfig.Enabled(2048),
            Metadata = new RequestMetadata { UserId = "user-hash" },
            ServiceTier = "standard_only",
            AdditionalProperties = new Dictionary<string, JsonElement> { ["output_config"] = JsonElement.Parse("""{"effort":"high"}""") },
        };

        await (await client.Messages.StreamAsync(request)).GetFinalMessageAsync();

        JsonElement body = server.Requests[0].Json;
        Assert.Equal("Cached rules.", body.GetProperty("system")[0].GetProperty("text").GetString());
        Assert.Equal("ephemeral", body.GetProperty("system")[0].GetProperty("cache_control").GetProperty("type").GetString());
        JsonElement user = body.GetProperty("messages")[0];
        Assert.Equal("user", user.GetProperty("role").GetString());
        Assert.Equal("image", user.GetProperty("content")[1].GetProperty("type").GetString());
        Assert.Equal("base64", user.GetProperty("content")[1].GetProperty("source").GetProperty("type").GetString());
        Assert.True(user.GetProperty("content")[2].GetProperty("citations").GetProperty("enabled").GetBoolean());
        JsonElement assistant = body.GetProperty("messages")[1].GetProperty("content");
        Assert.Equal("sig", assistant[0].GetProperty("signature").GetString());
        Assert.Equal("opaque", assistant[1].GetProperty("data").GetString());
        Assert.Equal("Paris", assistant[2].GetProperty("input").GetProperty("city").GetString());
        JsonElement result = body.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("tool_result", result.GetProperty("type").GetString());
        Assert.Equal("toolu_1", result.GetProperty("tool_use_id").GetString());
        Assert.Equal("18°C", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble());
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
        Assert.Equal("END", body.GetProperty("stop_sequences")[0].GetString());
        Assert.Equal("object", body.GetProperty("tools")[0].GetProperty("input_schema").GetProperty("type").GetString());
        Assert.Equal("web_search_20250305", body.GetProperty("tools")[1].GetProperty("type").GetString());
        Assert.Equal(3, body.GetProperty("tools")[1].GetProperty("max_uses").GetInt32());
        Assert.Equal("tool", body.GetProperty("tool_choice").GetProperty("type").GetString());
        Assert.True(body.GetProperty("tool_choice").GetProperty("disable_parallel_tool_use").GetBoolean());
        Assert.Equal(2048, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
        Assert.Equal("user-hash", body.GetProperty("metadata").GetProperty("user_id").GetString());
        Assert.Equal("standard_only", body.GetProperty("service_tier").GetString());
        Assert.Equal("high", body.GetProperty("output_config").GetProperty("effort").GetString());
        Assert.False(body.TryGetProperty("top_level_nulls", out _));
        Assert.DoesNotContain("\\u00B0", server.Requests[0].Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SuppliedHttpClient_IsNeitherMutatedNorDisposed()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("one"), FakeReply.CreateText("two"));
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey });

        await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalMessageAsync();
        client.Dispose();

        Assert.Empty(http.DefaultRequestHeaders);
        Assert.Equal(server.BaseAddress, http.BaseAddress);
        // Still usable: the library did not dispose it.
        var second = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = TestClients.ApiKey });
        Assert.Equal("two", await (await second.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync());
    }

    [Theory]
    [InlineData("http://api.example.com/")]
    [InlineData("http://10.0.0.5:8080/")]
    public void Constructor_PlainHttpToNonLoopbackHost_IsRefused(string address)
    {
        var ex = Assert.Throws<ArgumentException>(() => new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = new Uri(address) }));
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:1234/")]
    [InlineData("http://localhost:1234/")]
    [InlineData("http://[::1]:1234/")]
    [InlineData("https://api.example.com/")]
    public void Constructor_HttpsOrLoopback_IsAccepted(string address)
    {
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = TestClients.ApiKey, BaseAddress = new Uri(address) });
        Assert.NotNull(client.Messages);
    }

    [Fact]
    public async Task BaseAddressWithPath_IsResolvedAgainst()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok"));
        using ClaudeClient client = TestClients.For(server, o => o.BaseAddress = new Uri(server.BaseAddress, "proxy/anthropic"));

        await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalMessageAsync();

        Assert.Equal("/proxy/anthropic/v1/messages", server.Requests[0].Path);
    }

    [Fact]
    public void Options_ToString_DoesNotRevealKey()
    {
        var options = new ClaudeClientOptions { ApiKey = TestClients.ApiKey };
        Assert.DoesNotContain(TestClients.ApiKey, options.ToString(), StringComparison.Ordinal);
        using var client = new ClaudeClient(options);
        Assert.DoesNotContain(TestClients.ApiKey, client.ToString()!, StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey, client.Messages.ToString()!, StringComparison.Ordinal);
    }
}
