using System.Collections.Immutable;
using ClaudeStreaming.Testing.Internal;

namespace ClaudeStreaming.Testing;

/// <summary>
/// An immutable script of one response from the fake Messages API: a streamed message built block by block,
/// an HTTP error, or raw bytes replayed as recorded.
/// </summary>
/// <remarks>
/// <para>
/// Every fluent method returns a new <see cref="FakeReply"/> and leaves the original untouched, so one script can
/// be enqueued many times and shared between threads. A streamed reply produces exactly the wire events of the
/// Messages API: <c>message_start</c>, then per block <c>content_block_start</c>, its deltas and
/// <c>content_block_stop</c> (with a <c>ping</c> after the first block start, see
/// <see cref="FakeMessagesOptions.AutoPing"/>), then <c>message_delta</c> and <c>message_stop</c>. A request without
/// <c>"stream": true</c> gets the same script as one JSON message.
/// </para>
/// <para>
/// "Deltas" in the fault methods (<see cref="DisconnectAfterDeltas"/>, <see cref="StallAfterDeltas"/>, ...) count
/// <c>content_block_delta</c> events across all blocks, starting at 0. A count larger than the number of deltas in
/// the script applies after the last block, in place of <c>message_delta</c>.
/// </para>
/// </remarks>
public sealed class FakeReply
{
    /// <summary>The model name reported when neither the script nor the request names one.</summary>
    public const string DefaultModel = "claude-sonnet-4-5";

    private ReplyKind _kind;
    private string? _model;
    private string? _messageId;
    private string? _requestId;
    private ImmutableArray<ScriptItem> _items = [];
    private ImmutableArray<KeyValuePair<string, string>> _headers = [];
    private int? _inputTokens;
    private int? _outputTokens;
    private int? _cacheCreationTokens;
    private int? _cacheReadTokens;
    private string? _stopReason;
    private string? _stopSequence;
    private TimeSpan _pace;
    private TimeSpan _headerDelay;
    private Func<int, CancellationToken, Task>? _gate;
    private FaultKind _fault;
    private int _faultAfterDeltas;
    private string? _errorType;
    private string? _errorMessage;
    private int _status = 200;
    private ReadOnlyMemory<byte> _rawBody;
    private ImmutableArray<int> _chunkLengths = [];
    private bool _leaveLastBlockOpen;
    private CompiledReply? _compiled;

    private FakeReply()
    {
    }

    /// <summary>Starts an empty message reply (no content blocks yet): streamed for <c>"stream": true</c>, else one JSON message.</summary>
    /// <param name="model">
    /// The model name reported in the message; <see langword="null"/> names the requested model, as the API does
    /// (see <see cref="FakeMessagesOptions.EchoModel"/>).
    /// </param>
    /// <param name="messageId">The message id (<c>msg_…</c>); a fresh one is generated for each response when <see langword="null"/>.</param>
    /// <returns>A reply with no blocks, <c>end_turn</c> and default usage.</returns>
    /// <exception cref="ArgumentException"><paramref name="model"/> is empty.</exception>
    public static FakeReply Create(string? model = null, string? messageId = null)
    {
        if (model is not null)
        {
            ArgumentException.ThrowIfNullOrEmpty(model);
        }

        return new FakeReply { _kind = ReplyKind.Stream, _model = model, _messageId = messageId };
    }

    /// <summary>Creates a reply with one text block, sent one word per delta: <c>Create().Text(text)</c> in one call.</summary>
    /// <param name="text">The whole reply text.</param>
    /// <returns>A reply ending with <c>end_turn</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <remarks>Named apart from the instance <see cref="Text(string, int)"/>, which appends a block to a reply.</remarks>
    public static FakeReply CreateText(string text) => Create().Text(text, wordsPerDelta: 1);

    /// <summary>Creates a non-streamed HTTP error response with the Messages API's JSON error body.</summary>
    /// <param name="status">The HTTP status code, e.g. 429 or 529.</param>
    /// <param name="errorType">The <c>error.type</c>, e.g. <c>rate_limit_error</c>.</param>
    /// <param name="message">The <c>error.message</c>.</param>
    /// <param name="requestId">The <c>request-id</c> header and body <c>request_id</c>; generated when <see langword="null"/>.</param>
    /// <param name="headers">
    /// Extra response headers such as <c>retry-after</c>, <c>retry-after-ms</c> or <c>x-should-retry</c>; each replaces
    /// the fake's default of the same name (429 and 529 get <c>retry-after: 0</c>; 408, 409, 429 and 5xx get
    /// <c>x-should-retry: true</c>, other statuses <c>x-should-retry: false</c>).
    /// </param>
    /// <returns>An error reply whose body is <c>{"type":"error","error":{"type":…,"message":…},"request_id":…}</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="status"/> is not between 100 and 999.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="errorType"/> or <paramref name="message"/> is null.</exception>
    public static FakeReply HttpError(
        int status,
        string errorType,
        string message,
        string? requestId = null,
        IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(status, 100);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(status, 999);
        ArgumentNullException.ThrowIfNull(errorType);
        ArgumentNullException.ThrowIfNull(message);
        return new FakeReply
        {
            _kind = ReplyKind.HttpError,
            _status = status,
            _errorType = errorType,
            _errorMessage = message,
            _requestId = requestId,
            _headers = headers is null ? [] : [.. headers],
        };
    }

    /// <summary>Creates a <c>429 rate_limit_error</c> as the API sends it, with <c>retry-after</c> and <c>x-should-retry: true</c>.</summary>
    /// <param name="retryAfter">The <c>retry-after</c> (whole seconds, rounded up); <see cref="TimeSpan.Zero"/> when <see langword="null"/>, which keeps tests fast.</param>
    /// <returns>An HTTP error reply; enqueue it twice before a reply for the sequence 429, 429, 200.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfter"/> is negative.</exception>
    public static FakeReply RateLimited(TimeSpan? retryAfter = null) =>
        WithRetryAfter(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit (fake).", retryAfter);

    /// <summary>Creates a <c>529 overloaded_error</c> as the API sends it, with <c>retry-after</c> and <c>x-should-retry: true</c>.</summary>
    /// <param name="retryAfter">The <c>retry-after</c> (whole seconds, rounded up); <see cref="TimeSpan.Zero"/> when <see langword="null"/>.</param>
    /// <returns>An HTTP error reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="retryAfter"/> is negative.</exception>
    public static FakeReply Overloaded(TimeSpan? retryAfter = null) =>
        WithRetryAfter(529, "overloaded_error", "Overloaded", retryAfter);

    /// <summary>Creates a 200 <c>text/event-stream</c> response that replays exact bytes, such as a recorded <c>.sse</c> file.</summary>
    /// <param name="body">The bytes to send, unchanged.</param>
    /// <param name="chunkLengths">
    /// The length of each write, flushed separately; the last length repeats until the body is sent. The whole body
    /// is one write when <see langword="null"/> or empty.
    /// </param>
    /// <returns>A raw reply.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A chunk length is zero or negative.</exception>
    public static FakeReply Raw(ReadOnlyMemory<byte> body, IReadOnlyList<int>? chunkLengths = null)
    {
        ImmutableArray<int> lengths = chunkLengths is null ? [] : [.. chunkLengths];
        foreach (int length in lengths)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length, nameof(chunkLengths));
        }

        return new FakeReply { _kind = ReplyKind.Raw, _rawBody = body, _chunkLengths = lengths };
    }

    /// <summary>Creates a raw reply from text encoded as UTF-8, optionally cut into chunks of a fixed number of bytes.</summary>
    /// <param name="body">The SSE text to send, e.g. <c>"event: ping\ndata: {}\n\n"</c>.</param>
    /// <param name="chunkSize">Bytes per write (which may split a multi-byte character); one write when <see langword="null"/>.</param>
    /// <returns>A raw reply.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="chunkSize"/> is zero or negative.</exception>
    public static FakeReply RawText(string body, int? chunkSize = null)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (chunkSize is int size)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size, nameof(chunkSize));
        }

        return Raw(System.Text.Encoding.UTF8.GetBytes(body), chunkSize is int n ? [n] : null);
    }

    /// <summary>Appends a text block whose deltas carry a fixed number of words each.</summary>
    /// <param name="text">The block's text; the joined deltas equal it exactly.</param>
    /// <param name="wordsPerDelta">Words per <c>text_delta</c>; whitespace travels with the word after it.</param>
    /// <returns>A new reply with the block appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wordsPerDelta"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply Text(string text, int wordsPerDelta = 1)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wordsPerDelta);
        return AddItem(new TextItem(TextChunker.ByWords(text, wordsPerDelta)));
    }

    /// <summary>Appends a text block sent as exactly the given deltas, in order.</summary>
    /// <param name="deltas">The <c>text_delta</c> strings; none gives a block that starts and stops with no delta.</param>
    /// <returns>A new reply with the block appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="deltas"/> or one of its items is null.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply TextDeltas(params string[] deltas)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        foreach (string delta in deltas)
        {
            ArgumentNullException.ThrowIfNull(delta, nameof(deltas));
        }

        return AddItem(new TextItem([.. deltas]));
    }

    /// <summary>Appends a thinking block: <c>thinking_delta</c>s, then one <c>signature_delta</c> just before the stop.</summary>
    /// <param name="thinking">The thinking text; the joined deltas equal it exactly.</param>
    /// <param name="signature">The opaque signature sent in the single <c>signature_delta</c>.</param>
    /// <param name="wordsPerDelta">Words per <c>thinking_delta</c>.</param>
    /// <returns>A new reply with the block appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="thinking"/> or <paramref name="signature"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="wordsPerDelta"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply Thinking(string thinking, string signature = "EqkBCkYIBhgCKkDfakesignature", int wordsPerDelta = 3)
    {
        ArgumentNullException.ThrowIfNull(thinking);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(wordsPerDelta);
        return AddItem(new ThinkingItem(TextChunker.ByWords(thinking, wordsPerDelta), signature));
    }

    /// <summary>Appends a <c>redacted_thinking</c> block, which arrives whole with no deltas.</summary>
    /// <param name="data">The opaque <c>data</c> value.</param>
    /// <returns>A new reply with the block appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply RedactedThinking(string data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return AddItem(new RedactedThinkingItem(data));
    }

    /// <summary>
    /// Appends a <c>tool_use</c> block whose input JSON arrives as <c>input_json_delta</c>s: first <c>""</c>, then
    /// fragments cut every <paramref name="fragmentLength"/> characters, wherever that falls.
    /// </summary>
    /// <param name="id">The tool-use id, e.g. <c>toolu_01…</c>.</param>
    /// <param name="name">The tool name.</param>
    /// <param name="inputJson">The tool input JSON; sent verbatim (it need not be valid, to test bad input).</param>
    /// <param name="fragmentLength">Characters per fragment (a surrogate pair is never split).</param>
    /// <returns>A new reply with the block appended; the stop reason defaults to <c>tool_use</c>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fragmentLength"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply ToolUse(string id, string name, string inputJson, int fragmentLength = 8)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputJson);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fragmentLength);
        return AddItem(new ToolUseItem(id, name, TextChunker.JsonFragments(inputJson, fragmentLength)));
    }

    /// <summary>
    /// Appends a <c>server_tool_use</c> block (a tool the API runs itself, such as <c>web_search</c>), streamed like
    /// <see cref="ToolUse"/>; add its result block with <see cref="Block"/>.
    /// </summary>
    /// <param name="id">The server tool-use id, e.g. <c>srvtoolu_01…</c>.</param>
    /// <param name="name">The server tool name, e.g. <c>web_search</c>.</param>
    /// <param name="inputJson">The tool input JSON.</param>
    /// <param name="fragmentLength">Characters per <c>input_json_delta</c> fragment.</param>
    /// <returns>A new reply with the block appended; it does not change the default stop reason.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fragmentLength"/> is zero or negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply ServerToolUse(string id, string name, string inputJson, int fragmentLength = 8)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(inputJson);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(fragmentLength);
        return AddItem(new ToolUseItem(id, name, TextChunker.JsonFragments(inputJson, fragmentLength), "server_tool_use"));
    }

    /// <summary>
    /// Appends a text block with citations: it starts with <c>"citations": []</c>, sends one <c>citations_delta</c>
    /// per citation, then the text's <c>text_delta</c>s.
    /// </summary>
    /// <param name="text">The block's text.</param>
    /// <param name="citations">Each citation object's JSON, e.g. <c>{"type":"char_location","cited_text":"…",…}</c>.</param>
    /// <returns>A new reply with the block appended.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/>, <paramref name="citations"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">A citation is not a JSON object.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply TextWithCitations(string text, params string[] citations)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(citations);
        foreach (string citation in citations)
        {
            RequireJsonObject(citation, nameof(citations));
        }

        return AddItem(new TextItem(TextChunker.ByWords(text, 1), [.. citations]));
    }

    /// <summary>
    /// Appends any content block, known or not (<c>web_search_tool_result</c>, <c>mcp_tool_use</c>, a type no client
    /// knows yet): its <c>content_block_start</c> carries <paramref name="blockJson"/> as is, then each of
    /// <paramref name="deltas"/> is sent as a <c>content_block_delta</c>'s <c>delta</c>.
    /// </summary>
    /// <param name="blockJson">The block object, e.g. <c>{"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]}</c>; the non-streaming message carries it as is.</param>
    /// <param name="deltas">The delta objects' JSON, e.g. <c>{"type":"future_delta","value":1}</c>; none by default.</param>
    /// <returns>A new reply with the block appended.</returns>
    /// <exception cref="ArgumentNullException">An argument or one of the deltas is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="blockJson"/> or a delta is not a JSON object.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply Block(string blockJson, params string[] deltas)
    {
        RequireJsonObject(blockJson, nameof(blockJson));
        ArgumentNullException.ThrowIfNull(deltas);
        foreach (string delta in deltas)
        {
            RequireJsonObject(delta, nameof(deltas));
        }

        return AddItem(new RawBlockItem(blockJson, [.. deltas]));
    }

    /// <summary>
    /// Ends the reply as the API does when <c>max_tokens</c> cuts it mid-block: the last block gets no
    /// <c>content_block_stop</c> (a tool input may be left incomplete), and the stop reason is <c>max_tokens</c>.
    /// </summary>
    /// <returns>A new reply whose last block is left open.</returns>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply CutAtMaxTokens() => WithStream(r =>
    {
        r._leaveLastBlockOpen = true;
        r._stopReason ??= "max_tokens";
    });

    /// <summary>Appends a <c>ping</c> event at this point of the script.</summary>
    /// <returns>A new reply with the ping appended.</returns>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply Ping() => AddItem(PingItem.Instance);

    /// <summary>Sets the token usage: <c>message_start</c> reports the input and a small output count, <c>message_delta</c> the cumulative totals.</summary>
    /// <param name="input">The <c>input_tokens</c>.</param>
    /// <param name="output">The final cumulative <c>output_tokens</c>.</param>
    /// <param name="cacheCreation">The <c>cache_creation_input_tokens</c>.</param>
    /// <param name="cacheRead">The <c>cache_read_input_tokens</c>.</param>
    /// <returns>A new reply with the usage set.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply Usage(int input, int output, int cacheCreation = 0, int cacheRead = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(input);
        ArgumentOutOfRangeException.ThrowIfNegative(output);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheCreation);
        ArgumentOutOfRangeException.ThrowIfNegative(cacheRead);
        return WithStream(r =>
        {
            r._inputTokens = input;
            r._outputTokens = output;
            r._cacheCreationTokens = cacheCreation;
            r._cacheReadTokens = cacheRead;
        });
    }

    /// <summary>Sets the <c>stop_reason</c> (and <c>stop_sequence</c>) reported in <c>message_delta</c>.</summary>
    /// <param name="stopReason">The wire value, e.g. <c>end_turn</c>, <c>max_tokens</c>, <c>tool_use</c>, or any unknown value.</param>
    /// <param name="stopSequence">The matched stop sequence, for <c>stop_sequence</c>.</param>
    /// <returns>A new reply with the stop reason set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stopReason"/> is null.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply StopReason(string stopReason, string? stopSequence = null)
    {
        ArgumentNullException.ThrowIfNull(stopReason);
        return WithStream(r =>
        {
            r._stopReason = stopReason;
            r._stopSequence = stopSequence;
        });
    }

    /// <summary>Sets the <c>request-id</c> response header (and the <c>request_id</c> of error bodies and events).</summary>
    /// <param name="requestId">The request id, e.g. <c>req_011C…</c>.</param>
    /// <returns>A new reply with the request id set.</returns>
    /// <exception cref="ArgumentException"><paramref name="requestId"/> is null or empty.</exception>
    public FakeReply RequestId(string requestId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        return With(r => r._requestId = requestId);
    }

    /// <summary>Adds a response header, e.g. <c>anthropic-ratelimit-requests-remaining</c>.</summary>
    /// <param name="name">The header name.</param>
    /// <param name="value">The header value.</param>
    /// <returns>A new reply with the header added.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is null.</exception>
    public FakeReply Header(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        return With(r => r._headers = r._headers.Add(new(name, value)));
    }

    /// <summary>Waits this long between events (or between raw chunks), the first one excepted.</summary>
    /// <param name="delay">The delay; <see cref="TimeSpan.Zero"/> sends as fast as possible.</param>
    /// <returns>A new reply with the pace set.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public FakeReply Pace(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return With(r => r._pace = delay);
    }

    /// <summary>Waits this long before sending the response headers, to test timeouts before the response.</summary>
    /// <param name="delay">The delay.</param>
    /// <returns>A new reply with the delay set.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public FakeReply DelayHeaders(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return With(r => r._headerDelay = delay);
    }

    /// <summary>
    /// Awaits <paramref name="gate"/> before sending the n-th content delta (0-based, across all blocks), so a test
    /// can hold the server until the client has observed the previous delta.
    /// </summary>
    /// <param name="gate">Called with the delta index and a token cancelled when the client goes away.</param>
    /// <returns>A new reply with the gate set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="gate"/> is null.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply Gate(Func<int, CancellationToken, Task> gate)
    {
        ArgumentNullException.ThrowIfNull(gate);
        return WithStream(r => r._gate = gate);
    }

    /// <summary>Sends <c>event: error</c> after the scripted content, in place of <c>message_delta</c> and <c>message_stop</c>.</summary>
    /// <param name="errorType">The <c>error.type</c>, e.g. <c>overloaded_error</c>.</param>
    /// <param name="message">The <c>error.message</c>.</param>
    /// <returns>A new reply ending with the error event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="errorType"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply ErrorEvent(string errorType, string message) => ErrorEventAfterDeltas(int.MaxValue, errorType, message);

    /// <summary>Sends <c>event: error</c> after <paramref name="deltas"/> content deltas and ends the response there.</summary>
    /// <param name="deltas">How many content deltas to send first.</param>
    /// <param name="errorType">The <c>error.type</c>, e.g. <c>overloaded_error</c>.</param>
    /// <param name="message">The <c>error.message</c>.</param>
    /// <returns>A new reply ending with the error event.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="errorType"/> or <paramref name="message"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deltas"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply ErrorEventAfterDeltas(int deltas, string errorType, string message)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deltas);
        ArgumentNullException.ThrowIfNull(errorType);
        ArgumentNullException.ThrowIfNull(message);
        return WithFault(FaultKind.ErrorEvent, deltas, r =>
        {
            r._errorType = errorType;
            r._errorMessage = message;
        });
    }

    /// <summary>Aborts the connection after <paramref name="deltas"/> content deltas, so the client's read fails with an <see cref="IOException"/>.</summary>
    /// <param name="deltas">How many content deltas to send first.</param>
    /// <returns>A new reply ending with a dropped connection.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deltas"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply DisconnectAfterDeltas(int deltas)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deltas);
        return WithFault(FaultKind.Disconnect, deltas, null);
    }

    /// <summary>Keeps the connection open after <paramref name="deltas"/> content deltas and sends nothing more until the client goes away.</summary>
    /// <param name="deltas">How many content deltas to send first.</param>
    /// <returns>A new reply that stalls.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deltas"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply StallAfterDeltas(int deltas)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deltas);
        return WithFault(FaultKind.Stall, deltas, null);
    }

    /// <summary>Ends the response cleanly after <paramref name="deltas"/> content deltas, without <c>message_stop</c> (a truncated stream).</summary>
    /// <param name="deltas">How many content deltas to send first.</param>
    /// <returns>A new reply whose body ends early.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="deltas"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">This reply is an HTTP error or raw reply.</exception>
    public FakeReply TruncateAfterDeltas(int deltas)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(deltas);
        return WithFault(FaultKind.Truncate, deltas, null);
    }

    /// <summary>Describes the reply for test output.</summary>
    /// <returns>A short description such as <c>FakeReply(stream, 3 blocks)</c>.</returns>
    public override string ToString() => _kind switch
    {
        ReplyKind.HttpError => $"FakeReply(HTTP {_status} {_errorType})",
        ReplyKind.Raw => $"FakeReply(raw, {_rawBody.Length} bytes)",
        _ => $"FakeReply(message, {_model ?? "requested model"}, {_items.Count(i => i is not PingItem)} blocks{(_fault == FaultKind.None ? "" : ", " + _fault)})",
    };

    internal ReplyKind Kind => _kind;

    internal int Status => _status;

    internal string? FixedRequestId => _requestId;

    internal ImmutableArray<KeyValuePair<string, string>> Headers => _headers;

    internal TimeSpan PaceDelay => _pace;

    internal TimeSpan HeaderDelay => _headerDelay;

    internal Func<int, CancellationToken, Task>? GateCallback => _gate;

    internal FaultKind Fault => _fault;

    internal int FaultAfterDeltas => _faultAfterDeltas;

    internal string? ErrorType => _errorType;

    internal string? ErrorMessage => _errorMessage;

    internal ReadOnlyMemory<byte> RawBody => _rawBody;

    internal ImmutableArray<int> ChunkLengths => _chunkLengths;

    /// <summary>The request-independent events, built once per script and shared by every response that serves it.</summary>
    internal CompiledReply Compiled
    {
        get
        {
            CompiledReply? compiled = Volatile.Read(ref _compiled);
            if (compiled is null)
            {
                compiled = CompiledReply.Compile(
                    _model,
                    _messageId,
                    _items,
                    _inputTokens,
                    _outputTokens,
                    _cacheCreationTokens ?? 0,
                    _cacheReadTokens ?? 0,
                    _stopReason,
                    _stopSequence,
                    _leaveLastBlockOpen);
                compiled = Interlocked.CompareExchange(ref _compiled, compiled, null) ?? compiled;
            }

            return compiled;
        }
    }

    private static FakeReply WithRetryAfter(int status, string errorType, string message, TimeSpan? retryAfter)
    {
        TimeSpan after = retryAfter ?? TimeSpan.Zero;
        ArgumentOutOfRangeException.ThrowIfLessThan(after, TimeSpan.Zero, nameof(retryAfter));
        string seconds = ((long)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return HttpError(status, errorType, message, headers: new Dictionary<string, string> { ["retry-after"] = seconds });
    }

    private static void RequireJsonObject(string json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object)
            {
                return;
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Reported below.
        }

        throw new ArgumentException($"Expected a JSON object, got: {json}", paramName);
    }

    private FakeReply AddItem(ScriptItem item) => WithStream(r => r._items = r._items.Add(item));

    private FakeReply WithFault(FaultKind fault, int deltas, Action<FakeReply>? configure) => WithStream(r =>
    {
        r._fault = fault;
        r._faultAfterDeltas = deltas;
        configure?.Invoke(r);
    });

    private FakeReply WithStream(Action<FakeReply> mutate)
    {
        if (_kind != ReplyKind.Stream)
        {
            throw new InvalidOperationException($"This method applies only to streamed replies (FakeReply.Create), not to {this}.");
        }

        return With(mutate);
    }

    private FakeReply With(Action<FakeReply> mutate)
    {
        // Copy-on-write keeps every published instance immutable; the copy is private until returned.
        var copy = (FakeReply)MemberwiseClone();
        copy._compiled = null;
        mutate(copy);
        return copy;
    }
}
