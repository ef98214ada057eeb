using System.Text.Json;

namespace ClaudeStreaming.Testing.Compat.Tests;

/// <summary>
/// The official SDKs (the .NET <c>Anthropic</c> package and the TypeScript <c>@anthropic-ai/sdk</c>) against
/// <see cref="FakeMessagesServer"/>: each must read every scripted reply as it reads the real API's. A difference is
/// a bug in the fake (issue 14, item 5).
/// </summary>
public sealed class OfficialClientTests
{
    public const string DotNet = "dotnet";
    public const string TypeScript = "typescript";
    private const string RequestedModel = "claude-opus-4-5";
    private const string Key = "sk-ant-compat-test";

    public static TheoryData<string> Clients => [DotNet, TypeScript];

    public static TheoryData<string, int> ClientsAndErrorStatuses
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string client in new[] { DotNet, TypeScript })
            {
                foreach (int status in new[] { 400, 401, 403, 404, 413, 429, 500, 529 })
                {
                    data.Add(client, status);
                }
            }

            return data;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_Text_TextUsageStopReasonAndRequestedModel(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Text("Hello from the fake, café 日本 🚀.").Usage(input: 12, output: 7));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("Hello from the fake, café 日本 🚀.", outcome.Text);
        Assert.Equal("end_turn", outcome.StopReason);
        Assert.Equal(RequestedModel, outcome.Model);
        Assert.Matches("^msg_01", outcome.Id);
        Assert.Equal(12, outcome.InputTokens);
        Assert.Equal(7, outcome.OutputTokens);
        if (client == TypeScript)
        {
            Assert.Equal(outcome.Text, outcome.StreamedText);
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_ToolUse_InputParsedAndStopReasonToolUse(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Text("Checking.").ToolUse("toolu_01A", "get_weather", """{"city":"Paris","days":3}""", fragmentLength: 4));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal(["text", "tool_use"], outcome.BlockTypes);
        Assert.Equal("get_weather", outcome.ToolName);
        using JsonDocument input = JsonDocument.Parse(outcome.ToolInput!);
        Assert.Equal("Paris", input.RootElement.GetProperty("city").GetString());
        Assert.Equal(3, input.RootElement.GetProperty("days").GetInt32());
        Assert.Equal("tool_use", outcome.StopReason);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_ThinkingWithSignature_BothKept(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Thinking("Let me think about it carefully.", signature: "EqkBCkYIBhgCKkDcompat").Text("42"));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal(["thinking", "text"], outcome.BlockTypes);
        Assert.Equal("Let me think about it carefully.", outcome.Thinking);
        Assert.Equal("EqkBCkYIBhgCKkDcompat", outcome.Signature);
        Assert.Equal("42", outcome.Text);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_CacheUsage_AllUsageFieldsRead(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Text("cached").Usage(input: 100, output: 50, cacheCreation: 20, cacheRead: 30));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal(100, outcome.InputTokens);
        Assert.Equal(50, outcome.OutputTokens);
        Assert.Equal(20, outcome.CacheCreationInputTokens);
        Assert.Equal(30, outcome.CacheReadInputTokens);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_StopSequence_ReasonAndSequence(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Text("one two").StopReason("stop_sequence", "END"));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("stop_sequence", outcome.StopReason);
        Assert.Equal("END", outcome.StopSequence);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_CutAtMaxTokens_PartialTextAndMaxTokens(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Text("The answer is").CutAtMaxTokens());

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("The answer is", outcome.Text);
        Assert.Equal("max_tokens", outcome.StopReason);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_ServerToolResultAndCitations_Read(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create()
            .ServerToolUse("srvtoolu_01A", "web_search", """{"query":"weather in Paris"}""")
            .Block("""{"type":"web_search_tool_result","tool_use_id":"srvtoolu_01A","content":[{"type":"web_search_result","title":"Paris weather","url":"https://example.com/paris","encrypted_content":"abc","page_age":null}]}""")
            .TextWithCitations(
                "It is sunny in Paris.",
                """{"type":"web_search_result_location","cited_text":"Sunny all day","url":"https://example.com/paris","title":"Paris weather","encrypted_index":"xyz"}""")
            .StopReason("end_turn"));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("It is sunny in Paris.", outcome.Text);
        Assert.Equal(1, outcome.Citations);
        Assert.Equal(3, outcome.BlockTypes.Count);
        Assert.Equal("server_tool_use", outcome.BlockTypes[0]);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_UnknownBlockAndDelta_TextAroundItStillRead(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create()
            .Text("Before.")
            .Block("""{"type":"future_block","value":""}""", """{"type":"future_delta","value":"x"}""")
            .Text(" After."));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("Before. After.", outcome.Text);
        Assert.Equal(3, outcome.BlockTypes.Count);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Stream_ErrorEventAfterDeltas_ClientError(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create().Text("partial words here").ErrorEventAfterDeltas(1, "overloaded_error", "Overloaded"));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "error", outcome.ToString());
        Assert.Contains("Overloaded", outcome.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Create_NonStreaming_SameScriptAsOneMessage(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.Create()
            .Thinking("Weather needs a tool.", signature: "sig-compat")
            .Text("Checking.")
            .ToolUse("toolu_01B", "get_weather", """{"city":"Oslo"}""")
            .Usage(input: 40, output: 20, cacheRead: 5)
            .RequestId("req_compat_create"));

        Outcome outcome = await RunAsync(client, server, stream: false);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.False(Assert.Single(server.Requests).IsStreaming);
        Assert.Equal(["thinking", "text", "tool_use"], outcome.BlockTypes);
        Assert.Equal("sig-compat", outcome.Signature);
        Assert.Equal("Checking.", outcome.Text);
        Assert.Equal("""{"city":"Oslo"}""", outcome.ToolInput);
        Assert.Equal("tool_use", outcome.StopReason);
        Assert.Equal(RequestedModel, outcome.Model);
        Assert.Equal(40, outcome.InputTokens);
        Assert.Equal(20, outcome.OutputTokens);
        Assert.Equal(5, outcome.CacheReadInputTokens);
    }

    [SkippableTheory]
    [MemberData(nameof(ClientsAndErrorStatuses))]
    public async Task HttpError_EachStatus_ClientsTypedErrorWithRequestId(string client, int status)
    {
        await using FakeMessagesServer server = await StartAsync();
        (string errorType, string dotNetName, string typeScriptName) = ExpectedError(status);
        server.Enqueue(FakeReply.HttpError(status, errorType, $"scripted {status}", requestId: $"req_compat_{status}"));

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "error", outcome.ToString());
        Assert.Equal(client == DotNet ? dotNetName : typeScriptName, outcome.ErrorName);
        Assert.Equal(status, outcome.Status);
        Assert.Equal($"req_compat_{status}", outcome.RequestId);
        Assert.Single(server.Requests);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Checks_WrongKey_AuthenticationErrorWithRequestId(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Options.ApiKey = "sk-ant-the-right-key";

        Outcome outcome = await RunAsync(client, server, stream: true);

        Assert.True(outcome.Kind == "error", outcome.ToString());
        Assert.Equal(401, outcome.Status);
        Assert.Equal(client == DotNet ? "AnthropicUnauthorizedException" : "AuthenticationError", outcome.ErrorName);
        Assert.Matches("^req_011C", outcome.RequestId);
        Assert.DoesNotContain(Key, outcome.Message, StringComparison.Ordinal);
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Retry_RetryAfterOneSecond_HonouredThenSucceeds(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.RateLimited(TimeSpan.FromSeconds(1)), FakeReply.Create().Text("after the wait"));

        Outcome outcome = await RunAsync(client, server, stream: true, maxRetries: 2);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("after the wait", outcome.Text);
        Assert.Equal(2, server.Requests.Count);

        // retry-after: 1 asks for a full second; each SDK's own first backoff would be shorter (0.5 s with jitter).
        Assert.True(outcome.ElapsedMs >= 950, $"The retry came after {outcome.ElapsedMs} ms.");
    }

    [SkippableTheory]
    [MemberData(nameof(Clients))]
    public async Task Retry_RateLimitSequence_429Then429Then200(string client)
    {
        await using FakeMessagesServer server = await StartAsync();
        server.Enqueue(FakeReply.RateLimited(), FakeReply.RateLimited(), FakeReply.Create().Text("third time lucky"));

        Outcome outcome = await RunAsync(client, server, stream: false, maxRetries: 2);

        Assert.True(outcome.Kind == "message", outcome.ToString());
        Assert.Equal("third time lucky", outcome.Text);
        Assert.Equal(3, server.Requests.Count);
        // Both SDKs (as of this pin) send the key as a bearer token, which the fake's key check accepts as the API does.
        Assert.All(server.Requests, r => Assert.Equal(Key, Credential(r)));
    }

    private static (string ErrorType, string DotNetName, string TypeScriptName) ExpectedError(int status) => status switch
    {
        400 => ("invalid_request_error", "AnthropicBadRequestException", "BadRequestError"),
        401 => ("authentication_error", "AnthropicUnauthorizedException", "AuthenticationError"),
        403 => ("permission_error", "AnthropicForbiddenException", "PermissionDeniedError"),
        404 => ("not_found_error", "AnthropicNotFoundException", "NotFoundError"),
        413 => ("request_too_large", "AnthropicContentTooLargeException", "ContentTooLargeError"),
        429 => ("rate_limit_error", "AnthropicRateLimitException", "RateLimitError"),
        500 => ("api_error", "Anthropic5xxException", "InternalServerError"),
        529 => ("overloaded_error", "AnthropicOverloadedException", "OverloadedError"),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };

    private static string? Credential(RecordedRequest request) =>
        request.Headers.TryGetValue("x-api-key", out string? key) ? key
        : request.Headers.TryGetValue("authorization", out string? authorization) ? authorization.Replace("Bearer ", "", StringComparison.Ordinal)
        : null;

    private static async Task<FakeMessagesServer> StartAsync()
    {
        FakeMessagesServer server = await FakeMessagesServer.StartAsync();

        // The default checks stay on: the SDKs must pass them as they pass the real API's.
        return server;
    }

    private static Task<Outcome> RunAsync(string client, FakeMessagesServer server, bool stream, int maxRetries = 0) => client switch
    {
        DotNet => OfficialDotNetClient.RunAsync(server.BaseAddress, stream, maxRetries, Key, RequestedModel),
        TypeScript => NodeSdk.RunAsync(server.BaseAddress, stream, maxRetries, Key, RequestedModel),
        _ => throw new ArgumentOutOfRangeException(nameof(client)),
    };
}
