using System.Text.Json;

namespace ClaudeStreaming.Tests;

/// <summary>API review: <c>AdditionalProperties</c> is usable without a null check, and unknown members still round-trip.</summary>
public sealed class AdditionalPropertiesTests
{
    [Fact]
    public void AdditionalProperties_NewModels_AreEmptyAndWritable()
    {
        var message = new Message();
        var block = new TextBlock { Text = "hi" };
        var usage = new Usage();
        Assert.Empty(message.AdditionalProperties);
        Assert.Empty(block.AdditionalProperties);
        Assert.Empty(usage.AdditionalProperties);

        var request = new MessageRequest { Model = "m", MaxTokens = 1, Messages = [MessageParam.User("x")] };
        request.AdditionalProperties["output_config"] = JsonElement.Parse("""{"effort":"high"}""");
        Assert.Contains("\"output_config\":{\"effort\":\"high\"}", JsonSerializer.Serialize(request, JsonDefaults.Context.MessageRequest), StringComparison.Ordinal);
    }

    [Fact]
    public void AdditionalProperties_EmptyDictionary_WritesNoMember()
    {
        var message = new Message { Id = "msg_1", Model = "m" };
        _ = message.AdditionalProperties.Count;   // reading it must not change the JSON
        using JsonDocument json = JsonDocument.Parse(message.ToJson());
        string[] allowed = ["id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"];
        Assert.All(json.RootElement.EnumerateObject(), p => Assert.Contains(p.Name, allowed));
    }

    [Fact]
    public void AdditionalProperties_UnknownMembers_RoundTrip()
    {
        Message message = Message.FromJson("""{"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"a","future":1}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":2,"later":true},"container":{"id":"c"}}""");
        Assert.Equal("c", message.AdditionalProperties["container"].GetProperty("id").GetString());
        Assert.Equal(1, message.Content[0].AdditionalProperties["future"].GetInt32());
        Assert.True(message.Usage.AdditionalProperties["later"].GetBoolean());
        using JsonDocument again = JsonDocument.Parse(message.ToJson());
        Assert.Equal("c", again.RootElement.GetProperty("container").GetProperty("id").GetString());
        Assert.Equal(1, again.RootElement.GetProperty("content")[0].GetProperty("future").GetInt32());
    }
}
