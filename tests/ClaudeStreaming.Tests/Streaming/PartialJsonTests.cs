using System.Text.Json;

namespace ClaudeStreaming.Tests;

public sealed class PartialJsonTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"tw""", """{"a":1}""")]
    [InlineData("""{"a":[1,2,{"c":"d"},"e""", """{"a":[1,2,{"c":"d"}]}""")]
    [InlineData("""{"a":{"b":{"c":true}},"d""", """{"a":{"b":{"c":true}}}""")]
    [InlineData("""{"a":12""", """{}""")]
    [InlineData("""{"s":"esc \" quote","t""", """{"s":"esc \" quote"}""")]
    [InlineData("""{""", """{}""")]
    [InlineData("""not json""", """{}""")]
    public void Parse_IncompleteInput_KeepsCompleteMembers(string input, string expected)
    {
        JsonElement parsed = PartialJson.Parse(System.Text.Encoding.UTF8.GetBytes(input), out bool complete);

        Assert.False(complete);
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse(expected), parsed), parsed.GetRawText());
    }

    [Theory]
    [InlineData("", "{}")]
    [InlineData("""{"x":[1,{"y":null}]}""", """{"x":[1,{"y":null}]}""")]
    public void Parse_CompleteOrEmptyInput_IsExact(string input, string expected)
    {
        JsonElement parsed = PartialJson.Parse(System.Text.Encoding.UTF8.GetBytes(input), out bool complete);

        Assert.True(complete);
        Assert.True(JsonElement.DeepEquals(JsonElement.Parse(expected), parsed));
    }
}
