using System.Text.Json;
using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests.Tools;

/// <summary>Tools, their schemas and results, and the run-free helpers for callers who keep the loop themselves.</summary>
public sealed class ClaudeToolTests
{
    private static ToolUseBlock Call(string name, string inputJson, string id = "toolu_1") =>
        new() { Id = id, Name = name, Input = JsonElement.Parse(inputJson) };

    [Fact]
    public void Create_Typed_SchemaHasRootTypeObjectAndTheTypesProperties()
    {
        ClaudeTool tool = ClaudeTool.Create("get_weather", "Weather.", MyJsonContext.Default.WeatherQuery,
            (WeatherQuery q, CancellationToken _) => Task.FromResult<ClaudeToolResult>(q.City));

        JsonElement schema = tool.Definition.InputSchema!.Value;

        Assert.Equal("get_weather", tool.Name);
        Assert.Equal("Weather.", tool.Definition.Description);
        // A record is a nullable reference type; the exporter alone would say ["object","null"].
        Assert.Equal(JsonValueKind.String, schema.GetProperty("type").ValueKind);
        Assert.Equal("object", schema.GetProperty("type").GetString());
        Assert.Equal("type", schema.EnumerateObject().First().Name);
        Assert.Equal("string", schema.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal(["string", "null"], schema.GetProperty("properties").GetProperty("unit").GetProperty("type").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["city"], schema.GetProperty("required").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Create_TypedWithNestedObject_SchemaDescribesTheNestedObject()
    {
        ClaudeTool tool = ClaudeTool.Create("plan_trip", "Plans a trip.", MyJsonContext.Default.TripQuery,
            (TripQuery q, CancellationToken _) => Task.FromResult<ClaudeToolResult>("ok"));

        JsonElement properties = tool.Definition.InputSchema!.Value.GetProperty("properties");

        Assert.Equal("integer", properties.GetProperty("days").GetProperty("type").GetString());
        Assert.Equal("city", properties.GetProperty("destination").GetProperty("required")[0].GetString());
        Assert.Equal("How many days to stay.", properties.GetProperty("days").GetProperty("description").GetString());
        Assert.Equal("Where to go.", properties.GetProperty("destination").GetProperty("description").GetString());
        Assert.Equal("A trip to plan.", tool.Definition.InputSchema!.Value.GetProperty("description").GetString());
        Assert.Equal("object", tool.Definition.InputSchema!.Value.GetProperty("type").GetString());
    }

    [Fact]
    public void Create_TypedWithNonObjectType_ThrowsArgumentException()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => ClaudeTool.Create("count", "Counts.", MyJsonContext.Default.Int32,
            (int n, CancellationToken _) => Task.FromResult<ClaudeToolResult>("ok")));
        Assert.Contains("JSON object", ex.Message);
        Assert.Throws<ArgumentException>(() => ClaudeTool.Create("list", "Lists.", MyJsonContext.Default.StringArray,
            (string[] s, CancellationToken _) => Task.FromResult<ClaudeToolResult>("ok")));
    }

    [Fact]
    public void Create_SchemaJsonNotAnObject_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => ClaudeTool.Create("t", "d", "[1]", (JsonElement _, CancellationToken _) => Task.FromResult<ClaudeToolResult>("x")));
        Assert.Throws<ArgumentException>(() => ClaudeTool.Create("t", "d", "{not json", (JsonElement _, CancellationToken _) => Task.FromResult<ClaudeToolResult>("x")));
        Assert.Throws<ArgumentException>(() => ClaudeTool.Create("", "d", "{}", (JsonElement _, CancellationToken _) => Task.FromResult<ClaudeToolResult>("x")));
    }

    [Fact]
    public async Task InvokeAsync_TypedInputWrongType_ReturnsIsErrorAndSkipsTheHandler()
    {
        bool ran = false;
        ClaudeTool tool = ClaudeTool.Create("get_weather", "Weather.", MyJsonContext.Default.WeatherQuery, async (WeatherQuery q, CancellationToken _) =>
        {
            ran = true;
            await Task.Yield();
            return q.City;
        });

        ToolResultBlock result = await tool.InvokeAsync(Call("get_weather", """{"city":42}"""));

        Assert.False(ran);
        Assert.True(result.IsError);
        Assert.StartsWith("Invalid input for tool 'get_weather':", Assert.IsType<TextBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task InvokeAsync_HandlerReturnsErrorResultOrEmptyString_MapsToToolResultBlock()
    {
        ClaudeTool failing = ClaudeTool.Create("f", "d", "{}", (JsonElement _, CancellationToken _) => Task.FromResult(ClaudeToolResult.Error("City not found.")));
        ClaudeTool empty = ClaudeTool.Create("e", "d", "{}", (JsonElement _, CancellationToken _) => Task.FromResult<ClaudeToolResult>(""));

        ToolResultBlock error = await failing.InvokeAsync(Call("f", "{}", "toolu_f"));
        ToolResultBlock nothing = await empty.InvokeAsync(Call("e", "{}", "toolu_e"));

        Assert.Equal("toolu_f", error.ToolUseId);
        Assert.True(error.IsError);
        Assert.Equal("City not found.", Assert.IsType<TextBlock>(Assert.Single(error.Content)).Text);
        Assert.Equal("toolu_e", nothing.ToolUseId);
        Assert.Null(nothing.IsError);
        Assert.Empty(nothing.Content);   // the API rejects empty text blocks
    }

    [Fact]
    public async Task InvokeAsync_HandlerCancelsOnItsOwn_IsAnErrorNotACancellationOfTheCaller()
    {
        ClaudeTool tool = ClaudeTool.Create("t", "d", "{}", (JsonElement _, CancellationToken _) => throw new OperationCanceledException("inner timeout"));

        ToolResultBlock result = await tool.InvokeAsync(Call("t", "{}"));

        Assert.True(result.IsError);
        Assert.Contains("inner timeout", Assert.IsType<TextBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public void ClaudeToolResult_ImplicitConversions_CarryTextAndBlocks()
    {
        ClaudeToolResult fromString = "hello";
        ClaudeToolResult fromBlock = new TextBlock("one");
        ClaudeToolResult fromArray = new ContentBlock[] { new TextBlock("a"), ImageBlock.FromUrl(new Uri("https://example.com/a.png")) };
        ClaudeToolResult fromList = new List<ContentBlock> { new TextBlock("b") };

        Assert.Equal("hello", Assert.IsType<TextBlock>(Assert.Single(fromString.Content)).Text);
        Assert.False(fromString.IsError);
        Assert.Equal("one", Assert.IsType<TextBlock>(Assert.Single(fromBlock.Content)).Text);
        Assert.IsType<ImageBlock>(fromArray.Content[1]);
        Assert.Equal("b", Assert.IsType<TextBlock>(Assert.Single(fromList.Content)).Text);
        Assert.Throws<ArgumentNullException>(() => ClaudeToolResult.FromContent([new TextBlock("x"), null!]));
    }

    [Fact]
    public void GetInput_WithTypeInfo_DeserializesAndRejectsMismatches()
    {
        ToolUseBlock call = Call("get_weather", """{"city":"Paris","unit":"celsius"}""");

        WeatherQuery query = call.GetInput(MyJsonContext.Default.WeatherQuery);

        Assert.Equal(new WeatherQuery { City = "Paris", Unit = "celsius" }, query);
        Assert.Throws<JsonException>(() => Call("get_weather", "{}").GetInput(MyJsonContext.Default.WeatherQuery));
        Assert.Throws<JsonException>(() => Call("get_weather", "null").GetInput(MyJsonContext.Default.WeatherQuery));
    }

    [Fact]
    public async Task ToolCallsRunAsync_ManualLoopWithApproval_BuildsTheToolResultTurn()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(
            FakeReply.Create().ToolUse("toolu_a", "get_weather", """{"city":"Oslo"}""").ToolUse("toolu_b", "delete_files", """{"path":"/"}""").StopReason("tool_use"),
            FakeReply.Create().Text("Oslo is sunny; I may not delete files."));
        using ClaudeClient client = TestClients.For(server);
        ClaudeTool weather = ClaudeTool.Create("get_weather", "Weather.", MyJsonContext.Default.WeatherQuery,
            (WeatherQuery q, CancellationToken _) => Task.FromResult<ClaudeToolResult>($"Sunny in {q.City}"));
        ClaudeTool delete = ClaudeTool.Create("delete_files", "Deletes files.", """{"type":"object"}""",
            (JsonElement _, CancellationToken _) => throw new InvalidOperationException("must not run"));
        var history = new List<MessageParam> { MessageParam.User("Weather in Oslo, then clean up.") };
        MessageRequest request = TestClients.Request() with { Tools = [weather.Definition, delete.Definition] };

        // Turn 1, then approve only the weather call.
        Message reply = await client.Messages.CreateAsync(request with { Messages = history });
        history.Add(reply.ToParam());
        var results = new List<ContentBlock>();
        foreach (ToolUseBlock call in reply.Content.OfType<ToolUseBlock>())
        {
            results.Add(call.Name == "get_weather"
                ? await weather.InvokeAsync(call)
                : ToolResultBlock.FromText(call.Id, "The user declined this call.", isError: true));
        }

        history.Add(MessageParam.User([.. results]));
        Message final = await client.Messages.CreateAsync(request with { Messages = history });

        Assert.Equal("Oslo is sunny; I may not delete files.", final.GetText());
        JsonElement sent = server.Requests[1].Json.GetProperty("messages")[2].GetProperty("content");
        Assert.Equal("Sunny in Oslo", sent[0].GetProperty("content")[0].GetProperty("text").GetString());
        Assert.True(sent[1].GetProperty("is_error").GetBoolean());

        // The run-free helper answers every call of a turn, unknown ones with an error, in block order.
        MessageParam turn = await ToolCalls.RunAsync(reply, [weather]);
        Assert.Equal(MessageRole.User, turn.Role);
        Assert.Collection(turn.Content,
            b => Assert.Equal(("toolu_a", (bool?)null), (((ToolResultBlock)b).ToolUseId, ((ToolResultBlock)b).IsError)),
            b => Assert.Equal(("toolu_b", (bool?)true), (((ToolResultBlock)b).ToolUseId, ((ToolResultBlock)b).IsError)));
        await Assert.ThrowsAsync<ArgumentException>(() => ToolCalls.RunAsync(final, [weather]));
    }
}
