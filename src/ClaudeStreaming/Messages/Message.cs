using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>A reply from Claude: its content blocks, why it stopped, and its usage.</summary>
/// <remarks>
/// A record so that <c>with</c> can edit a turn before it goes back into the history.
/// Equality is the record's: member by member, with lists and <c>AdditionalProperties</c> compared by reference, so two
/// messages read from the same JSON are not equal; compare <see cref="ToJson"/> for equal content.
/// </remarks>
public sealed record Message
{
    /// <summary>The message id, for example <c>msg_01XyZ…</c>.</summary>
    public string Id { get; init; } = "";

    /// <summary>The object type. Always <c>message</c>.</summary>
    [JsonPropertyOrder(-1)]
    public string Type { get; init; } = "message";

    /// <summary>The author. Always <see cref="MessageRole.Assistant"/> for replies.</summary>
    public MessageRole Role { get; init; } = MessageRole.Assistant;

    /// <summary>The model that produced the reply.</summary>
    public string Model { get; init; } = "";

    /// <summary>The content blocks in order.</summary>
    public IReadOnlyList<ContentBlock> Content { get; init; } = [];

    /// <summary>Why generation stopped; <see langword="null"/> while the reply is still streaming.</summary>
    /// <remarks>Written as <c>null</c> when absent: the API's message JSON always has it.</remarks>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public StopReason? StopReason { get; init; }

    /// <summary>The stop sequence that matched, when <see cref="StopReason"/> is <c>stop_sequence</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? StopSequence { get; init; }

    /// <summary>Token counts.</summary>
    public Usage Usage { get; init; } = new();

    /// <summary>Members this release does not model (<c>stop_details</c>, <c>container</c>, ...), kept intact.</summary>
    [JsonExtensionData]
    [AllowNull]
    public IDictionary<string, JsonElement> AdditionalProperties { get => field ??= new Dictionary<string, JsonElement>(); set; }

    /// <summary>Returns this reply as an assistant turn for the next request, with every block intact.</summary>
    /// <returns>The assistant turn.</returns>
    /// <remarks>Thinking blocks keep their signatures, tool calls their ids and input, and unknown blocks their JSON.</remarks>
    public MessageParam ToParam() => new() { Role = Role, Content = [.. Content] };

    /// <summary>Returns the joined text of the text blocks.</summary>
    /// <returns>The text, or an empty string when there is none.</returns>
    public string GetText()
    {
        string? single = null;
        System.Text.StringBuilder? builder = null;
        foreach (ContentBlock block in Content)
        {
            if (block is not TextBlock text)
            {
                continue;
            }

            if (single is null)
            {
                single = text.Text;
            }
            else
            {
                builder ??= new System.Text.StringBuilder(single);
                builder.Append(text.Text);
            }
        }

        return builder?.ToString() ?? single ?? "";
    }

    /// <summary>Returns the message as the JSON object the non-streaming Messages API returns, with <c>stop_reason</c> and <c>stop_sequence</c> even when null.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonDefaults.Context.Message);

    /// <summary>Reads a message from the JSON object the Messages API returns.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The message.</returns>
    /// <exception cref="JsonException"><paramref name="json"/> is not a message object.</exception>
    public static Message FromJson(string json) =>
        JsonSerializer.Deserialize(json, JsonDefaults.Context.Message) ?? throw new JsonException("The JSON is null.");
}
