using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>The system prompt: a string, or text blocks when parts of it carry a cache breakpoint.</summary>
/// <remarks>A string converts implicitly: <c>System = "You are a helpful assistant."</c>.</remarks>
[JsonConverter(typeof(SystemPromptConverter))]
public sealed class SystemPrompt
{
    /// <summary>Creates a system prompt from text.</summary>
    /// <param name="text">The prompt.</param>
    public SystemPrompt(string text) => Text = text ?? throw new ArgumentNullException(nameof(text));

    /// <summary>Creates a system prompt from text blocks, for example to mark a cache breakpoint with <see cref="TextBlock.CacheControl"/>.</summary>
    /// <param name="blocks">The blocks.</param>
    public SystemPrompt(IEnumerable<TextBlock> blocks) => Blocks = [.. blocks ?? throw new ArgumentNullException(nameof(blocks))];

    /// <summary>The prompt when it was given as a string; otherwise <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>The prompt when it was given as blocks; otherwise <see langword="null"/>.</summary>
    public IReadOnlyList<TextBlock>? Blocks { get; }

    /// <summary>Converts a string to a system prompt.</summary>
    /// <param name="text">The prompt.</param>
    public static implicit operator SystemPrompt(string text) => new(text);

    /// <summary>Creates a system prompt from a string.</summary>
    /// <param name="text">The prompt.</param>
    /// <returns>The prompt.</returns>
    public static SystemPrompt FromString(string text) => new(text);

    /// <summary>Returns the prompt's text, joining blocks with blank lines.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Text ?? string.Join("\n\n", Blocks!.Select(b => b.Text));
}

internal sealed class SystemPromptConverter : JsonConverter<SystemPrompt>
{
    public override SystemPrompt Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return new SystemPrompt(reader.GetString()!);
        }

        List<TextBlock> blocks = JsonSerializer.Deserialize(ref reader, JsonDefaults.Context.ListTextBlock)
            ?? throw new JsonException("The system prompt cannot be null.");
        return new SystemPrompt(blocks);
    }

    public override void Write(Utf8JsonWriter writer, SystemPrompt value, JsonSerializerOptions options)
    {
        if (value.Text is not null)
        {
            writer.WriteStringValue(value.Text);
            return;
        }

        writer.WriteStartArray();
        foreach (TextBlock block in value.Blocks!)
        {
            JsonSerializer.Serialize(writer, block, JsonDefaults.Context.TextBlock);
        }

        writer.WriteEndArray();
    }
}
