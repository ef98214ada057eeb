using System.Text.Json;
using System.Text.Json.Serialization;

namespace ClaudeStreaming;

/// <summary>Why Claude stopped generating. An open set: values added by the API after this release are kept as they are.</summary>
[JsonConverter(typeof(StopReasonConverter))]
public readonly struct StopReason : IEquatable<StopReason>
{
    /// <summary>Creates a stop reason from its wire value.</summary>
    /// <param name="value">The wire value, for example <c>end_turn</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public StopReason(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The natural end of the turn.</summary>
    public static StopReason EndTurn { get; } = new("end_turn");

    /// <summary>The request's <c>max_tokens</c> or the model's limit was reached; the last block may be cut off.</summary>
    public static StopReason MaxTokens { get; } = new("max_tokens");

    /// <summary>One of the request's stop sequences matched; see <see cref="Message.StopSequence"/>.</summary>
    public static StopReason StopSequence { get; } = new("stop_sequence");

    /// <summary>Claude called one or more client tools; answer with <c>tool_result</c> blocks.</summary>
    public static StopReason ToolUse { get; } = new("tool_use");

    /// <summary>A long server-tool turn was paused; send the message back unchanged to continue it.</summary>
    public static StopReason PauseTurn { get; } = new("pause_turn");

    /// <summary>Streaming classifiers stopped the reply.</summary>
    public static StopReason Refusal { get; } = new("refusal");

    /// <summary>The model's context window ran out.</summary>
    public static StopReason ModelContextWindowExceeded { get; } = new("model_context_window_exceeded");

    /// <summary>The wire value, for example <c>end_turn</c>.</summary>
    public string Value => field ?? "";

    /// <inheritdoc/>
    public bool Equals(StopReason other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is StopReason other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the wire value.</summary>
    /// <returns>The wire value.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two stop reasons by wire value.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the wire values are equal.</returns>
    public static bool operator ==(StopReason left, StopReason right) => left.Equals(right);

    /// <summary>Compares two stop reasons by wire value.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the wire values differ.</returns>
    public static bool operator !=(StopReason left, StopReason right) => !left.Equals(right);
}

internal sealed class StopReasonConverter : JsonConverter<StopReason>
{
    public override StopReason Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() switch
        {
            "end_turn" => StopReason.EndTurn,
            "max_tokens" => StopReason.MaxTokens,
            "tool_use" => StopReason.ToolUse,
            "stop_sequence" => StopReason.StopSequence,
            "pause_turn" => StopReason.PauseTurn,
            "refusal" => StopReason.Refusal,
            string other => new StopReason(other),
            null => throw new JsonException("A stop reason cannot be null here."),
        };

    public override void Write(Utf8JsonWriter writer, StopReason value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.Value);
}
