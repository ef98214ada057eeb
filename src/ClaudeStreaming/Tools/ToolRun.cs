using System.Collections.ObjectModel;
using System.Runtime.ExceptionServices;

namespace ClaudeStreaming;

/// <summary>
/// A tool loop in progress: each model turn is a <see cref="MessageStream"/> handed out as it begins; between turns the
/// runner runs the tools Claude called and sends their results. Start one with <see cref="MessagesClient.RunTools"/>.
/// </summary>
/// <remarks>
/// <para>
/// The loop: a turn that stops with <c>tool_use</c> has every <c>tool_use</c> block run (concurrently, with the run's
/// token) and answered by one user turn of <c>tool_result</c> blocks in call order, after the assistant turn intact
/// (<see cref="Message.ToParam"/>: thinking with its signature, text, every call). A <c>pause_turn</c> is continued by
/// sending the assistant turn back. Any other stop reason ends the run, as does <see cref="ToolRunOptions.MaxTurns"/>
/// (then <see cref="ReachedMaxTurns"/> is <see langword="true"/>, the last turn's calls are not run, and
/// <see cref="Messages"/> ends with that assistant turn).
/// </para>
/// <para>
/// Lazy: nothing is sent until the run is enumerated or <see cref="GetFinalMessageAsync"/> is called. A turn the caller
/// did not read is read to its end before the next request. Leaving an <c>await foreach</c> over the run early pauses
/// it; enumerating again or calling <see cref="GetFinalMessageAsync"/> goes on from there.
/// </para>
/// <para>
/// Failures: an API error or a stream failure ends the run with the core's typed exception
/// (<see cref="ClaudeApiException"/>, <see cref="ClaudeStreamException"/>, <see cref="ClaudeConnectionException"/>), and
/// <see cref="Messages"/> keeps every completed turn. Cancellation stops the current request or tool at once and ends
/// the run with <see cref="OperationCanceledException"/>. After a failure every further step throws the same exception.
/// Not thread-safe: use a run from one consumer at a time.
/// </para>
/// </remarks>
public sealed class ToolRun : IAsyncEnumerable<MessageStream>, IAsyncDisposable
{
    private readonly MessagesClient _client;
    private readonly MessageRequest _request;
    private readonly List<ToolDefinition> _definitions;
    private readonly Dictionary<string, ClaudeTool> _tools;
    private readonly int _maxTurns;
    private readonly List<MessageParam> _messages;
    private MessageStream? _current;
    private Message? _final;
    private ExceptionDispatchInfo? _fault;
    private bool _ended;
    private bool _disposed;
    private int _advancing;

    internal ToolRun(MessagesClient client, MessageRequest request, IEnumerable<ClaudeTool> tools, ToolRunOptions? options)
    {
        ArgumentNullException.ThrowIfNull(request);
        _client = client;
        _request = request;
        _tools = ToolCalls.ByName(tools);
        _maxTurns = options?.MaxTurns ?? ToolRunOptions.DefaultMaxTurns;

        // Tools already in the request stay (server tools such as web search are the API's to run).
        _definitions = [.. request.Tools ?? []];
        foreach (ClaudeTool tool in _tools.Values)
        {
            ToolDefinition? existing = _definitions.Find(d => string.Equals(d.Name, tool.Name, StringComparison.Ordinal));
            if (existing is null)
            {
                _definitions.Add(tool.Definition);
            }
            else if (!ReferenceEquals(existing, tool.Definition))
            {
                throw new ArgumentException($"The request already has a tool named '{tool.Name}'.", nameof(tools));
            }
        }

        _messages = [.. request.Messages];
        Messages = _messages.AsReadOnly();
    }

    /// <summary>The conversation: the request's messages, then every completed assistant turn and tool-result user turn.</summary>
    /// <remarks>A live view; it grows as the run goes on. A turn that failed part-way is not in it.</remarks>
    public IReadOnlyList<MessageParam> Messages { get; }

    /// <summary>The number of model turns (requests) started so far.</summary>
    public int TurnCount { get; private set; }

    /// <summary><see langword="true"/> once the run has ended, normally or at <see cref="ToolRunOptions.MaxTurns"/>.</summary>
    public bool IsCompleted => _ended && _fault is null;

    /// <summary><see langword="true"/> when the run ended because it reached <see cref="ToolRunOptions.MaxTurns"/> while Claude still wanted to go on.</summary>
    public bool ReachedMaxTurns { get; private set; }

    /// <summary>Returns the model turns as they begin, one <see cref="MessageStream"/> each, running the tools in between.</summary>
    /// <param name="cancellationToken">Cancels the requests, the reading of the turns and the tools.</param>
    /// <returns>The enumerator.</returns>
    /// <remarks>
    /// Moving to the next turn first reads the current turn to its end. Each stream stays valid after the run moves on
    /// (its <see cref="MessageStream.GetFinalMessageAsync"/> returns the completed message).
    /// </remarks>
    public IAsyncEnumerator<MessageStream> GetAsyncEnumerator(CancellationToken cancellationToken = default) => new Enumerator(this, cancellationToken);

    /// <summary>Runs the rest of the loop, if any, and returns the last turn's message.</summary>
    /// <param name="cancellationToken">Cancels the requests, the reading and the tools.</param>
    /// <returns>The final message: its stop reason says why the run ended.</returns>
    /// <exception cref="ClaudeApiException">The API answered a turn with an error.</exception>
    /// <exception cref="ClaudeStreamException">A turn's stream failed.</exception>
    /// <exception cref="ClaudeConnectionException">A turn's request got no response, after every retry.</exception>
    /// <exception cref="OperationCanceledException">The run was canceled.</exception>
    /// <exception cref="ObjectDisposedException">The run was disposed.</exception>
    /// <exception cref="InvalidOperationException">The run is being advanced by another caller.</exception>
    public async Task<Message> GetFinalMessageAsync(CancellationToken cancellationToken = default)
    {
        while (await MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
        }

        // At least one turn always runs (MaxTurns is at least 1), so a run that ended normally has a final message.
        return _final!;
    }

    /// <summary>Releases the current turn's response, if one is still streaming; the run cannot go on afterwards.</summary>
    /// <returns>A task that completes when the response is released.</returns>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        MessageStream? current = _current;
        _current = null;
        current?.Dispose();
        return default;
    }

    private async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _fault?.Throw();
        if (Interlocked.Exchange(ref _advancing, 1) != 0)
        {
            throw new InvalidOperationException("The ToolRun is already being advanced; use it from one consumer at a time.");
        }

        try
        {
            if (_current is not null)
            {
                await FinishTurnAsync(_current, cancellationToken).ConfigureAwait(false);
            }

            if (_ended)
            {
                return false;
            }

            MessageRequest request = _request with { Messages = [.. _messages], Tools = _definitions };
            _current = await _client.StreamAsync(request, cancellationToken).ConfigureAwait(false);
            TurnCount++;
            return true;
        }
        catch (Exception ex)
        {
            _fault = ExceptionDispatchInfo.Capture(ex);
            _ended = true;
            _current?.Dispose();
            _current = null;
            throw;
        }
        finally
        {
            Volatile.Write(ref _advancing, 0);
        }
    }

    private async Task FinishTurnAsync(MessageStream stream, CancellationToken cancellationToken)
    {
        // Reads whatever the caller did not, so that the turn is complete before it goes into the history.
        Message message = await stream.GetFinalMessageAsync(cancellationToken).ConfigureAwait(false);
        _current = null;
        stream.Dispose();
        _final = message;
        _messages.Add(message.ToParam());

        ToolUseBlock[] calls = message.StopReason == StopReason.ToolUse ? [.. message.Content.OfType<ToolUseBlock>()] : [];
        bool goesOn = calls.Length > 0 || message.StopReason == StopReason.PauseTurn;
        if (!goesOn)
        {
            _ended = true;
        }
        else if (TurnCount >= _maxTurns)
        {
            // The calls are not run: their results could never be sent.
            ReachedMaxTurns = true;
            _ended = true;
        }
        else if (calls.Length > 0)
        {
            _messages.Add(await ToolCalls.RunCoreAsync(calls, _tools, cancellationToken).ConfigureAwait(false));
        }

        // Anthropic: pause_turn is continued by sending the assistant turn back as it is, which is already done above.
    }

    private sealed class Enumerator(ToolRun run, CancellationToken cancellationToken) : IAsyncEnumerator<MessageStream>
    {
        public MessageStream Current { get; private set; } = null!;

        public async ValueTask<bool> MoveNextAsync()
        {
            bool moved = await run.MoveNextAsync(cancellationToken).ConfigureAwait(false);
            if (moved)
            {
                Current = run._current!;
            }

            return moved;
        }

        // Leaving the loop early pauses the run rather than ending it; disposing the run releases it.
        public ValueTask DisposeAsync() => default;
    }
}
