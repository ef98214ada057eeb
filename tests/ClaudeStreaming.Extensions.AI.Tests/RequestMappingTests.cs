using System.Text.Json;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Item 3: chat history and <see cref="ChatOptions"/> to the Messages API request, read back from the fake server.</summary>
public sealed class RequestMappingTests
{
    [Fact]
    public async Task Messages_SystemToSystem_TurnsKeepTheirOrder()
    {
        JsonElement body = await SendAsync(
            [
                new(ChatRole.System, "Be brief."),
                new(ChatRole.User, "Hi"),
                new(ChatRole.Assistant, "Hello!"),
                new(ChatRole.System, "Answer in French."),
                new(ChatRole.User, "How are you?"),
            ],
            new ChatOptions { Instructions = "You are a weather bot." });

        JsonElement system = body.GetProperty("system");
        Assert.Equal(["You are a weather bot.", "Be brief.", "Answer in French."], system.EnumerateArray().Select(b => b.GetProperty("text").GetString()));
        Assert.Equal(["user:Hi", "assistant:Hello!", "user:How are you?"], body.GetProperty("messages").EnumerateArray()
            .Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content")[0].GetProperty("text").GetString()}"));
    }

    [Fact]
    public async Task Messages_OneSystemMessage_IsAPlainString()
    {
        JsonElement body = await SendAsync([new(ChatRole.System, "Be brief."), new(ChatRole.User, "Hi")]);

        Assert.Equal("Be brief.", body.GetProperty("system").GetString());
    }

    [Fact]
    public async Task Messages_ToolCallsAndResults_BecomeToolUseAndOneUserTurnOfToolResults()
    {
        JsonElement body = await SendAsync(
            [
                new(ChatRole.User, "Weather in Paris and Oslo?"),
                new(ChatRole.Assistant, [new TextContent("Checking."), new FunctionCallContent("toolu_1", "get_weather", new Dictionary<string, object?> { ["city"] = "Paris" }), new FunctionCallContent("toolu_2", "get_weather", new Dictionary<string, object?> { ["city"] = "Oslo", ["days"] = 2 })]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "18°C and sunny")]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_2", "Error: Function failed.") { Exception = new InvalidOperationException("boom") }]),
            ]);

        JsonElement[] turns = [.. body.GetProperty("messages").EnumerateArray()];
        Assert.Equal(3, turns.Length);
        JsonElement assistant = turns[1].GetProperty("content");
        Assert.Equal("tool_use", assistant[1].GetProperty("type").GetString());
        Assert.Equal("toolu_1", assistant[1].GetProperty("id").GetString());
        Assert.Equal("get_weather", assistant[1].GetProperty("name").GetString());
        Assert.Equal("Paris", assistant[1].GetProperty("input").GetProperty("city").GetString());
        Assert.Equal(2, assistant[2].GetProperty("input").GetProperty("days").GetInt32());

        Assert.Equal("user", turns[2].GetProperty("role").GetString());
        JsonElement[] results = [.. turns[2].GetProperty("content").EnumerateArray()];
        Assert.Equal(2, results.Length);
        Assert.All(results, r => Assert.Equal("tool_result", r.GetProperty("type").GetString()));
        Assert.Equal("toolu_1", results[0].GetProperty("tool_use_id").GetString());
        Assert.Equal("18°C and sunny", results[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.False(results[0].TryGetProperty("is_error", out _));
        Assert.True(results[1].GetProperty("is_error").GetBoolean());
    }

    [Fact]
    public async Task Messages_ToolResultObject_SentAsJson()
    {
        JsonElement body = await SendAsync(
            [
                new(ChatRole.User, "Weather?"),
                new(ChatRole.Assistant, [new FunctionCallContent("toolu_1", "get_weather")]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_1", JsonElement.Parse("""{"temp":18}"""))]),
            ]);

        JsonElement result = body.GetProperty("messages")[2].GetProperty("content")[0];
        Assert.Equal("""{"temp":18}""", result.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Object, body.GetProperty("messages")[1].GetProperty("content")[0].GetProperty("input").ValueKind);
    }

    [Fact]
    public async Task Messages_ReasoningWithSignature_BecomesThinkingPlacedFirst()
    {
        var redacted = new TextReasoningContent("") { ProtectedData = "redacted_data", AdditionalProperties = new() { ["anthropic.redacted_thinking"] = true } };
        JsonElement body = await SendAsync(
            [
                new(ChatRole.User, "Q"),
                new(ChatRole.Assistant, [new TextContent("Let me check."), new TextReasoningContent("I should call the tool.") { ProtectedData = "sig_1" }, redacted, new FunctionCallContent("toolu_1", "t"), new TextReasoningContent("unsigned, from elsewhere")]),
                new(ChatRole.Tool, [new FunctionResultContent("toolu_1", "ok")]),
            ]);

        JsonElement[] content = [.. body.GetProperty("messages")[1].GetProperty("content").EnumerateArray()];
        Assert.Equal(["thinking", "redacted_thinking", "text", "tool_use"], content.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("I should call the tool.", content[0].GetProperty("thinking").GetString());
        Assert.Equal("sig_1", content[0].GetProperty("signature").GetString());
        Assert.Equal("redacted_data", content[1].GetProperty("data").GetString());
    }

    [Fact]
    public async Task Messages_OmittedThinking_EmptyTextWithSignatureStaysThinking()
    {
        JsonElement body = await SendAsync([new(ChatRole.User, "Q"), new(ChatRole.Assistant, [new TextReasoningContent("") { ProtectedData = "sig_only" }, new TextContent("A")]), new(ChatRole.User, "Q2")]);

        JsonElement block = body.GetProperty("messages")[1].GetProperty("content")[0];
        Assert.Equal("thinking", block.GetProperty("type").GetString());
        Assert.Equal("", block.GetProperty("thinking").GetString());
        Assert.Equal("sig_only", block.GetProperty("signature").GetString());
    }

    [Fact]
    public async Task Messages_ImagesAndPdfs_BecomeImageAndDocumentBlocks()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47];
        byte[] pdf = "%PDF-1.4"u8.ToArray();
        JsonElement body = await SendAsync(
            [
                new(ChatRole.User,
                [
                    new TextContent("Describe these."),
                    new DataContent(png, "image/png"),
                    new DataContent(pdf, "application/pdf"),
                    new UriContent(new Uri("https://example.com/cat.jpg"), "image/jpeg"),
                    new UriContent(new Uri("https://example.com/report.pdf"), "application/pdf"),
                    new DataContent("plain notes"u8.ToArray(), "text/plain") { Name = "notes.txt" },
                ]),
            ]);

        JsonElement[] content = [.. body.GetProperty("messages")[0].GetProperty("content").EnumerateArray()];
        Assert.Equal(["text", "image", "document", "image", "document", "document"], content.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("base64", content[1].GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("image/png", content[1].GetProperty("source").GetProperty("media_type").GetString());
        Assert.Equal(Convert.ToBase64String(png), content[1].GetProperty("source").GetProperty("data").GetString());
        Assert.Equal(Convert.ToBase64String(pdf), content[2].GetProperty("source").GetProperty("data").GetString());
        Assert.Equal("application/pdf", content[2].GetProperty("source").GetProperty("media_type").GetString());
        Assert.Equal("https://example.com/cat.jpg", content[3].GetProperty("source").GetProperty("url").GetString());
        Assert.Equal("url", content[4].GetProperty("source").GetProperty("type").GetString());
        Assert.Equal("https://example.com/report.pdf", content[4].GetProperty("source").GetProperty("url").GetString());
        Assert.Equal("plain notes", content[5].GetProperty("source").GetProperty("data").GetString());
        Assert.Equal("notes.txt", content[5].GetProperty("title").GetString());
    }

    [Fact]
    public async Task Messages_UnsupportedMediaType_ThrowsAtTheCall()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        IChatClient chat = ChatClients.For(server);

        var error = Assert.Throws<NotSupportedException>(() => chat.GetStreamingResponseAsync([new(ChatRole.User, [new DataContent(new byte[] { 1 }, "audio/wav")])]));

        Assert.Contains("audio/wav", error.Message);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Options_DefaultsAndEachScalar_AreSent()
    {
        JsonElement defaults = await SendAsync(ChatClients.Hello());
        Assert.Equal(ChatClients.Model, defaults.GetProperty("model").GetString());
        Assert.Equal(ClaudeChatClientExtensions.DefaultMaxOutputTokens, defaults.GetProperty("max_tokens").GetInt32());
        Assert.False(defaults.TryGetProperty("temperature", out _));
        Assert.False(defaults.TryGetProperty("tools", out _));
        Assert.True(defaults.GetProperty("stream").GetBoolean());

        JsonElement body = await SendAsync(ChatClients.Hello(), new ChatOptions
        {
            ModelId = "claude-haiku-4-5",
            MaxOutputTokens = 777,
            Temperature = 0.25f,
            TopP = 0.5f,
            TopK = 40,
            StopSequences = ["END", "STOP"],
        });
        Assert.Equal("claude-haiku-4-5", body.GetProperty("model").GetString());
        Assert.Equal(777, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.25, body.GetProperty("temperature").GetDouble(), 5);
        Assert.Equal(0.5, body.GetProperty("top_p").GetDouble(), 5);
        Assert.Equal(40, body.GetProperty("top_k").GetInt32());
        Assert.Equal(["END", "STOP"], body.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()));
    }

    [Fact]
    public async Task Options_NoModelAnywhere_ThrowsAtTheCall()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        IChatClient chat = ChatClients.For(server, defaultModelId: null);

        Assert.Throws<InvalidOperationException>(() => chat.GetStreamingResponseAsync(ChatClients.Hello()));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Options_AIFunction_BecomesCustomToolWithItsSchema()
    {
        AIFunction function = AIFunctionFactory.Create((string city, int days) => $"{city}:{days}", "get_forecast", "Gets the forecast for a city.");

        JsonElement body = await SendAsync(ChatClients.Hello(), new ChatOptions { Tools = [function] });

        JsonElement tool = Assert.Single(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("get_forecast", tool.GetProperty("name").GetString());
        Assert.Equal("Gets the forecast for a city.", tool.GetProperty("description").GetString());
        JsonElement schema = tool.GetProperty("input_schema");
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("integer", schema.GetProperty("properties").GetProperty("days").GetProperty("type").GetString());
        Assert.False(body.TryGetProperty("tool_choice", out _));
    }

    public static TheoryData<string, string, string?> ToolModes() => new()
    {
        { "auto", """{"type":"auto"}""", null },
        { "any", """{"type":"any"}""", null },
        { "specific", """{"type":"tool","name":"get_forecast"}""", null },
        { "none", """{"type":"none"}""", null },
        { "auto-single", """{"type":"auto","disable_parallel_tool_use":true}""", "single" },
        { "any-single", """{"type":"any","disable_parallel_tool_use":true}""", "single" },
        { "default-single", """{"type":"auto","disable_parallel_tool_use":true}""", "single" },
    };

    [Theory]
    [MemberData(nameof(ToolModes))]
    public async Task Options_ToolModeAndAllowMultipleToolCalls_MapToToolChoice(string mode, string expected, string? oneCall)
    {
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.Create(() => "x", "get_forecast")],
            ToolMode = mode switch
            {
                "auto" or "auto-single" => ChatToolMode.Auto,
                "any" or "any-single" => ChatToolMode.RequireAny,
                "specific" => ChatToolMode.RequireSpecific("get_forecast"),
                "none" => ChatToolMode.None,
                _ => null,
            },
            AllowMultipleToolCalls = oneCall is null ? null : false,
        };

        JsonElement body = await SendAsync(ChatClients.Hello(), options);

        Assert.Equal(expected, body.GetProperty("tool_choice").GetRawText());
    }

    [Theory]
    [InlineData(ReasoningEffort.Low, 1024)]
    [InlineData(ReasoningEffort.Medium, 4096)]
    [InlineData(ReasoningEffort.High, 16384)]
    [InlineData(ReasoningEffort.ExtraHigh, 32768)]
    public async Task Options_ReasoningEffort_BecomesThinkingBudgetOnTopOfTheDefaultMaxTokens(ReasoningEffort effort, int budget)
    {
        JsonElement body = await SendAsync(ChatClients.Hello(), new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } });

        JsonElement thinking = body.GetProperty("thinking");
        Assert.Equal("enabled", thinking.GetProperty("type").GetString());
        Assert.Equal(budget, thinking.GetProperty("budget_tokens").GetInt32());
        Assert.Equal(budget + ClaudeChatClientExtensions.DefaultMaxOutputTokens, body.GetProperty("max_tokens").GetInt32());
        Assert.False(thinking.TryGetProperty("display", out _));
    }

    [Fact]
    public async Task Options_ReasoningVariants_MapAsDocumented()
    {
        JsonElement none = await SendAsync(ChatClients.Hello(), new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } });
        Assert.Equal("""{"type":"disabled"}""", none.GetProperty("thinking").GetRawText());

        JsonElement omitted = await SendAsync(ChatClients.Hello(), new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.None } });
        Assert.Equal("omitted", omitted.GetProperty("thinking").GetProperty("display").GetString());
        Assert.Equal(4096, omitted.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());

        JsonElement capped = await SendAsync(ChatClients.Hello(), new ChatOptions { MaxOutputTokens = 3000, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High } });
        Assert.Equal(3000, capped.GetProperty("max_tokens").GetInt32());
        Assert.Equal(2999, capped.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());

        JsonElement additional = await SendAsync(ChatClients.Hello(), new ChatOptions
        {
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low },
            AdditionalProperties = new() { ["thinking"] = ThinkingConfig.Adaptive },
        });
        Assert.Equal("""{"type":"adaptive"}""", additional.GetProperty("thinking").GetRawText());
    }

    [Fact]
    public async Task Options_RawRepresentationFactory_ScalarsWinListsJoin()
    {
        var options = new ChatOptions
        {
            Temperature = 0.9f,
            TopK = 5,
            StopSequences = ["FROM_OPTIONS"],
            Instructions = "From options.",
            Tools = [AIFunctionFactory.Create(() => "x", "from_options")],
            RawRepresentationFactory = _ => new MessageRequest
            {
                Model = "",
                MaxTokens = 0,
                Temperature = 0.1,
                StopSequences = ["FROM_RAW"],
                System = "From raw.",
                Tools = [ToolDefinition.WebSearch(maxUses: 2)],
                ServiceTier = "standard_only",
                Metadata = new RequestMetadata { UserId = "user-hash-1" },
                Messages = [MessageParam.User("Earlier turn from raw.")],
            },
        };

        JsonElement body = await SendAsync(ChatClients.Hello(), options);

        Assert.Equal(ChatClients.Model, body.GetProperty("model").GetString());
        Assert.Equal(ClaudeChatClientExtensions.DefaultMaxOutputTokens, body.GetProperty("max_tokens").GetInt32());
        Assert.Equal(0.1, body.GetProperty("temperature").GetDouble(), 5);
        Assert.Equal(5, body.GetProperty("top_k").GetInt32());
        Assert.Equal(["FROM_RAW", "FROM_OPTIONS"], body.GetProperty("stop_sequences").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["From raw.", "From options."], body.GetProperty("system").EnumerateArray().Select(s => s.GetProperty("text").GetString()));
        Assert.Equal(["web_search", "from_options"], body.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(2, body.GetProperty("tools")[0].GetProperty("max_uses").GetInt32());
        Assert.Equal("standard_only", body.GetProperty("service_tier").GetString());
        Assert.Equal("user-hash-1", body.GetProperty("metadata").GetProperty("user_id").GetString());
        // Two user turns in a row are one turn to the API; the raw request's come first.
        JsonElement turn = Assert.Single(body.GetProperty("messages").EnumerateArray());
        Assert.Equal(["Earlier turn from raw.", "Hello"], turn.GetProperty("content").EnumerateArray().Select(b => b.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Options_RawRepresentationFactoryModelAndMaxTokens_WinOverOptions()
    {
        JsonElement body = await SendAsync(ChatClients.Hello(), new ChatOptions
        {
            ModelId = "from-options",
            MaxOutputTokens = 100,
            RawRepresentationFactory = _ => new MessageRequest { Model = "claude-opus-4-6", MaxTokens = 222 },
        });

        Assert.Equal("claude-opus-4-6", body.GetProperty("model").GetString());
        Assert.Equal(222, body.GetProperty("max_tokens").GetInt32());
    }

    private static async Task<JsonElement> SendAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null)
    {
        await using var server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok"));
        ChatResponse response = await ChatClients.For(server).GetResponseAsync(messages, options);
        Assert.Equal("ok", response.Text);
        return Assert.Single(server.Requests).Json.Clone();
    }
}
