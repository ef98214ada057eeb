using System.Text.Json;
using ClaudeStreaming.Testing.Internal;

namespace ClaudeStreaming.Testing;

/// <summary>One request received by the fake Messages API, with a way to observe how the exchange ended.</summary>
/// <remarks>
/// Instances are recorded when the request body has been read, before the reply is sent, and are safe to read from
/// any thread. <see cref="Aborted"/>, <see cref="Finished"/> and <see cref="CompletedNormally"/> change as the reply
/// is played.
/// </remarks>
public sealed class RecordedRequest
{
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _completedNormally;

    internal RecordedRequest(string method, string path, IReadOnlyDictionary<string, string> headers, string body)
    {
        Method = method;
        Path = path;
        Headers = headers;
        Body = body;
        Json = ParseJson(body);
    }

    /// <summary>Gets the HTTP method, e.g. <c>POST</c>.</summary>
    public string Method { get; }

    /// <summary>Gets the request path including any query string, e.g. <c>/v1/messages?beta=true</c>.</summary>
    public string Path { get; }

    /// <summary>Gets the request headers (content headers included) by case-insensitive name; repeated values are joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Gets the request body decoded as UTF-8; empty when there was none.</summary>
    public string Body { get; }

    /// <summary>Gets the body parsed as JSON, or a default element (<see cref="JsonValueKind.Undefined"/>) when the body is not JSON.</summary>
    public JsonElement Json { get; }

    /// <summary>Gets a value indicating whether the body asks for a streamed reply (<c>"stream": true</c>); otherwise the fake answers with one JSON message.</summary>
    public bool IsStreaming => Json.ValueKind == JsonValueKind.Object
        && Json.TryGetProperty("stream", out JsonElement stream)
        && stream.ValueKind == JsonValueKind.True;

    /// <summary>Gets the requested <c>model</c>, or <see langword="null"/> when the body names none.</summary>
    public string? Model => Json.ValueKind == JsonValueKind.Object
        && Json.TryGetProperty("model", out JsonElement model)
        && model.ValueKind == JsonValueKind.String
            ? model.GetString()
            : null;

    /// <summary>
    /// Gets the <c>tool_result</c> blocks of the last message (the user turn that answers a tool call), so a reply
    /// chosen per request can depend on them; empty when there are none.
    /// </summary>
    public IReadOnlyList<JsonElement> ToolResults
    {
        get
        {
            if (Json.ValueKind != JsonValueKind.Object
                || !Json.TryGetProperty("messages", out JsonElement messages)
                || messages.ValueKind != JsonValueKind.Array
                || messages.GetArrayLength() == 0)
            {
                return [];
            }

            JsonElement last = messages[messages.GetArrayLength() - 1];
            if (last.ValueKind != JsonValueKind.Object
                || !last.TryGetProperty("content", out JsonElement content)
                || content.ValueKind != JsonValueKind.Array)
            {
                return [];
            }

            var results = new List<JsonElement>();
            foreach (JsonElement block in content.EnumerateArray())
            {
                if (block.ValueKind == JsonValueKind.Object
                    && block.TryGetProperty("type", out JsonElement type)
                    && type.ValueEquals("tool_result"))
                {
                    results.Add(block);
                }
            }

            return results;
        }
    }

    /// <summary>
    /// Gets a task that completes when the client disconnected or cancelled before the reply was fully sent (also when
    /// the fake is disposed mid-reply); it never completes for a reply that finished, nor for a scripted disconnect.
    /// </summary>
    public Task Aborted => _aborted.Task;

    /// <summary>Gets a task that completes when the exchange has ended, however it ended.</summary>
    public Task Finished => _finished.Task;

    /// <summary>Gets a value indicating whether the whole scripted reply was sent; read it after <see cref="Finished"/> has completed.</summary>
    public bool CompletedNormally => _completedNormally;

    /// <summary>Describes the request for test output.</summary>
    /// <returns>The method and path, e.g. <c>POST /v1/messages</c>.</returns>
    public override string ToString() => $"{Method} {Path}";

    internal void Finish(ReplyOutcome outcome)
    {
        if (outcome == ReplyOutcome.Completed)
        {
            _completedNormally = true;
        }
        else if (outcome == ReplyOutcome.ClientGone)
        {
            _aborted.TrySetResult();
        }

        _finished.TrySetResult();
    }

    private static JsonElement ParseJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return default;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
