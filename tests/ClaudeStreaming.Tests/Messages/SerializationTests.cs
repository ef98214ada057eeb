using System.Text.Json;

namespace ClaudeStreaming.Tests;

/// <summary>The wire shapes of the models, both ways, through the source-generated context.</summary>
public sealed class SerializationTests
{
    [Fact]
    public void MessageParam_ReadsStringContentAsOneTextBlock_AndWritesBlocks()
    {
        MessageParam param = JsonSerializer.Deserialize("""{"role":"user","content":"Hi é 🚀"}""", JsonDefaults.Context.MessageParam)!;

        Assert.Equal(MessageRole.User, param.Role);
        Assert.Equal("Hi é 🚀", Assert.IsType<TextBlock>(Assert.Single(param.Content)).Text);
        string written = JsonSerializer.Serialize(param, JsonDefaults.Context.MessageParam);
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse("""{"role":"user","content":[{"type":"text","text":"Hi é 🚀"}]}"""), JsonElement.Parse(written)));
        Assert.Contains("Hi é", written, StringComparison.Ordinal); // accents stay raw UTF-8 (an emoji is written as a valid \u surrogate pair)
    }

    [Fact]
    public void ContentBlock_TypeNeedNotComeFirst_AndUnknownMembersRoundTrip()
    {
        const string json = """{"citations":[],"type":"text","text":"x","future_member":{"a":1}}""";

        var block = Assert.IsType<TextBlock>(JsonSerializer.Deserialize(json, JsonDefaults.Context.ContentBlock));

        Assert.Equal("x", block.Text);
        Assert.Empty(block.Citations!);
        string written = JsonSerializer.Serialize<ContentBlock>(block, JsonDefaults.Context.ContentBlock);
        Assert.StartsWith("""{"type":"text",""", written, StringComparison.Ordinal);
        Assert.Contains("\"future_member\":{\"a\":1}", written, StringComparison.Ordinal);
        Assert.Equal(1, written.Split("\"type\"").Length - 1);
    }

    [Fact]
    public void UnknownBlock_IsWrittenBackByteForByte()
    {
        const string json = """{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[{"type":"web_search_result","url":"https://example.com","encrypted_content":"abc"}]}""";

        var block = Assert.IsType<UnknownContentBlock>(JsonSerializer.Deserialize(json, JsonDefaults.Context.ContentBlock));

        Assert.Equal("web_search_tool_result", block.Type);
        Assert.Equal(json, JsonSerializer.Serialize<ContentBlock>(block, JsonDefaults.Context.ContentBlock));
    }

    [Fact]
    public void SystemPrompt_ReadsAndWritesBothForms()
    {
        var fromString = JsonSerializer.Deserialize("""{"model":"m","max_tokens":1,"system":"Be brief."}""", JsonDefaults.Context.MessageRequest)!;
        var fromBlocks = JsonSerializer.Deserialize("""{"model":"m","max_tokens":1,"system":[{"type":"text","text":"A","cache_control":{"type":"ephemeral","ttl":"1h"}}]}""", JsonDefaults.Context.MessageRequest)!;

        Assert.Equal("Be brief.", fromString.System!.Text);
        TextBlock block = Assert.Single(fromBlocks.System!.Blocks!);
        Assert.Equal("1h", block.CacheControl!.Ttl);
        Assert.Contains("\"system\":\"Be brief.\"", JsonSerializer.Serialize(fromString, JsonDefaults.Context.MessageRequest), StringComparison.Ordinal);
        Assert.Contains("\"system\":[{\"type\":\"text\",\"text\":\"A\",\"cache_control\":{\"type\":\"ephemeral\",\"ttl\":\"1h\"}}]", JsonSerializer.Serialize(fromBlocks, JsonDefaults.Context.MessageRequest), StringComparison.Ordinal);
    }

    [Fact]
    public void ToolResult_ReadsStringContent()
    {
        var block = Assert.IsType<ToolResultBlock>(JsonSerializer.Deserialize("""{"type":"tool_result","tool_use_id":"toolu_1","content":"18°C","is_error":true}""", JsonDefaults.Context.ContentBlock));

        Assert.Equal("toolu_1", block.ToolUseId);
        Assert.Equal("18°C", Assert.IsType<TextBlock>(Assert.Single(block.Content)).Text);
        Assert.True(block.IsError);
    }

    [Fact]
    public void Message_FromJsonToJson_RoundTripsTheNonStreamingShape()
    {
        const string json = """{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-6","content":[{"type":"thinking","thinking":"t","signature":"s"},{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,2]},"caller":{"type":"direct"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":5,"output_tokens":6,"cache_creation":{"ephemeral_5m_input_tokens":0}},"stop_details":null}""";

        Message message = Message.FromJson(json);

        var tool = Assert.IsType<ToolUseBlock>(message.Content[1]);
        Assert.Equal(2, tool.Input.GetProperty("a").GetArrayLength());
        Assert.True(tool.AdditionalProperties!.ContainsKey("caller"));
        Assert.Equal(StopReason.ToolUse, message.StopReason);
        using JsonDocument written = JsonDocument.Parse(message.ToJson());
        JsonElement root = written.RootElement;
        Assert.Equal("direct", root.GetProperty("content")[1].GetProperty("caller").GetProperty("type").GetString());
        Assert.Equal(0, root.GetProperty("usage").GetProperty("cache_creation").GetProperty("ephemeral_5m_input_tokens").GetInt32());
        Assert.Equal(message.ToJson(), Message.FromJson(message.ToJson()).ToJson());
    }

    [Fact]
    public void ExtensibleValues_KeepUnknownWireValues()
    {
        var reason = JsonSerializer.Deserialize("""{"stop_reason":"brand_new"}""", JsonDefaults.Context.Message)!.StopReason;

        Assert.Equal("brand_new", reason!.Value.Value);
        Assert.NotEqual(StopReason.EndTurn, reason.Value);
        Assert.Equal(new ApiErrorType("overloaded_error"), ApiErrorType.Overloaded);
        Assert.Equal("assistant", MessageRole.Assistant.ToString());
    }
}
