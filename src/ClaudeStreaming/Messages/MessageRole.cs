using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>The author of a conversation turn: <c>user</c> or <c>assistant</c>, open to values added later.</summary>
[JsonConverter(typeof(MessageRoleConverter))]
public readonly struct MessageRole : IEquatable<MessageRole>
{
    /// <summary>Creates a role from its wire value.</summary>
    /// <param name="value">The wire value, for example <c>user</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public MessageRole(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The human side of the conversation.</summary>
    public static MessageRole User { get; } = new("user");

    /// <summary>Claude's side of the conversation.</summary>
    public static MessageRole Assistant { get; } = new("assistant");

    /// <summary>The wire value, for example <c>assistant</c>.</summary>
    public string Value => field ?? "";

    /// <inheritdoc/>
    public bool Equals(MessageRole other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is MessageRole other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the wire value.</summary>
    /// <returns>The wire value.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two roles by wire value.</summary>
    /// <param name="left">The first role.</param>
    /// <param name="right">The second role.</param>
    /// <returns><see langword="true"/> when the wire values are equal.</returns>
    public static bool operator ==(MessageRole left, MessageRole right) => left.Equals(right);

    /// <summary>Compares two roles by wire value.</summary>
    /// <param name="left">The first role.</param>
    /// <param name="right">The second role.</param>
    /// <returns><see langword="true"/> when the wire values differ.</returns>
    public static bool operator !=(MessageRole left, MessageRole right) => !left.Equals(right);
}

internal sealed class MessageRoleConverter : JsonConverter<MessageRole>
{
    public override MessageRole Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() switch
        {
            "user" => MessageRole.User,
            "assistant" => MessageRole.Assistant,
            string other => new MessageRole(other),
            null => throw new JsonException("A message role cannot be null."),
        };

    public override void Write(Utf8JsonWriter writer, MessageRole value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
