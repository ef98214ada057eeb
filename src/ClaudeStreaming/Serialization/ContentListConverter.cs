using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>Reads message content given either as a string (shorthand for one text block) or as an array of blocks.</summary>
internal sealed class ContentListConverter : JsonConverter<IList<ContentBlock>>
{
    public override IList<ContentBlock> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return [new TextBlock(reader.GetString()!)];
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Content must be a string or an array of content blocks.");
        }

        var blocks = new List<ContentBlock>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            blocks.Add(ContentBlockConverter.FromElement(JsonElement.ParseValue(ref reader)));
        }

        return blocks;
    }

    public override void Write(Utf8JsonWriter writer, IList<ContentBlock> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (ContentBlock block in value)
        {
            JsonSerializer.Serialize(writer, block, JsonDefaults.Context.ContentBlock);
        }

        writer.WriteEndArray();
    }
}
