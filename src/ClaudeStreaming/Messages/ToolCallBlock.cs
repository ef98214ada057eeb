using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>A tool call in a reply: <see cref="ToolUseBlock"/> for client tools, <see cref="ServerToolUseBlock"/> for tools Anthropic runs.</summary>
/// <remarks>
/// While streaming, the input arrives as JSON fragments; they are joined as UTF-8 and parsed once, the first time
/// <see cref="Input"/> or <see cref="IsInputComplete"/> is read, so a caller that never looks at a large input never pays
/// for parsing it. A block cut off by <c>max_tokens</c> keeps every complete member that arrived (the unfinished one is
/// dropped), and <see cref="IsInputComplete"/> is then <see langword="false"/>.
/// </remarks>
public abstract record ToolCallBlock : ContentBlock
{
    private protected ToolCallBlock()
    {
    }

    /// <summary>The call's id.</summary>
    public required string Id { get; init; }

    /// <summary>The name of the tool called.</summary>
    public required string Name { get; init; }

    // Set only by the stream (WithStreamedInput); an explicit Input or IsInputComplete replaces it.
    private StreamedToolInput? _streamedInput;

    /// <summary>The tool input, a JSON object.</summary>
    public JsonElement Input
    {
        get => _streamedInput?.Value ?? field;
        init
        {
            field = value;
            _streamedInput = null;
        }
    } = JsonDefaults.EmptyObject;

    /// <summary><see langword="false"/> when the streamed input was cut off and <see cref="Input"/> holds only what arrived.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsInputComplete
    {
        get => _streamedInput?.IsComplete ?? field;
        init
        {
            field = value;
            _streamedInput = null;
        }
    } = true;

    /// <summary>Marks a prompt-cache breakpoint at this block.</summary>
    public CacheControl? CacheControl { get; init; }

    /// <summary>A copy whose input is the streamed fragments, parsed when first read.</summary>
    internal ToolCallBlock WithStreamedInput(ReadOnlyMemory<byte> utf8Json)
    {
        ToolCallBlock copy = this with { };
        copy._streamedInput = new StreamedToolInput(utf8Json);
        return copy;
    }
}
