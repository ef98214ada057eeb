namespace ClaudeStreaming;

/// <summary><c>input_json_delta</c>: a fragment of a tool call's input JSON; the fragments joined are the input.</summary>
/// <param name="partialJson">The fragment, cut at any character.</param>
public sealed class InputJsonDelta(string partialJson) : ContentDelta
{
    /// <inheritdoc/>
    public override string Type => "input_json_delta";

    /// <summary>The fragment. It is valid JSON only once joined with the others.</summary>
    public string PartialJson { get; } = partialJson ?? throw new ArgumentNullException(nameof(partialJson));
}
