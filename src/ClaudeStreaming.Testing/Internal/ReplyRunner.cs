namespace ClaudeStreaming.Testing.Internal;

/// <summary>Plays a <see cref="FakeReply"/> into a sink: the single engine behind the server and the handler.</summary>
internal static class ReplyRunner
{
    private const string EventStreamContentType = "text/event-stream; charset=utf-8";
    private const string JsonContentType = "application/json";

    public static async Task<ReplyOutcome> RunAsync(FakeReply reply, IReplySink sink, RecordedRequest request, FakeMessagesOptions options, CancellationToken cancellationToken)
    {
        var context = new ReplyContext(request, options);
        try
        {
            if (reply.HeaderDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.HeaderDelay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }

            string requestId = reply.FixedRequestId ?? Ids.NewRequestId();
            return reply.Kind switch
            {
                ReplyKind.HttpError => await RunHttpErrorAsync(reply, reply.Status, reply.ErrorType!, reply.ErrorMessage!, sink, context, requestId, cancellationToken).ConfigureAwait(false),
                ReplyKind.Raw => await RunRawAsync(reply, sink, context, requestId, cancellationToken).ConfigureAwait(false),
                _ when !request.IsStreaming => await RunMessageAsync(reply, sink, context, requestId, cancellationToken).ConfigureAwait(false),
                _ => await RunStreamAsync(reply, sink, context, requestId, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever failed (a delay, a gate, a write), it failed because the client went away.
            return ReplyOutcome.ClientGone;
        }
    }

    private static async Task<ReplyOutcome> RunHttpErrorAsync(
        FakeReply reply,
        int status,
        string errorType,
        string message,
        IReplySink sink,
        ReplyContext context,
        string requestId,
        CancellationToken cancellationToken)
    {
        byte[] body = SseWriter.Json(w => CompiledReply.WriteErrorBody(w, errorType, message, requestId));
        await sink.StartAsync(status, JsonContentType, body.Length, Headers(reply, context, requestId, status, stream: false), cancellationToken).ConfigureAwait(false);
        if (!await sink.WriteAsync(body, cancellationToken).ConfigureAwait(false))
        {
            return ReplyOutcome.ClientGone;
        }

        await sink.CompleteAsync().ConfigureAwait(false);
        return ReplyOutcome.Completed;
    }

    private static async Task<ReplyOutcome> RunRawAsync(FakeReply reply, IReplySink sink, ReplyContext context, string requestId, CancellationToken cancellationToken)
    {
        await sink.StartAsync(200, EventStreamContentType, null, Headers(reply, context, requestId, 200, stream: true), cancellationToken).ConfigureAwait(false);
        ReadOnlyMemory<byte> body = reply.RawBody;
        int position = 0;
        int chunk = 0;
        while (position < body.Length)
        {
            int length = reply.ChunkLengths.IsEmpty
                ? body.Length
                : reply.ChunkLengths[Math.Min(chunk, reply.ChunkLengths.Length - 1)];
            length = Math.Min(length, body.Length - position);
            if (chunk > 0)
            {
                await PaceAsync(reply, cancellationToken).ConfigureAwait(false);
            }

            if (!await sink.WriteAsync(body.Slice(position, length), cancellationToken).ConfigureAwait(false))
            {
                return ReplyOutcome.ClientGone;
            }

            position += length;
            chunk++;
        }

        await sink.CompleteAsync().ConfigureAwait(false);
        return ReplyOutcome.Completed;
    }

    /// <summary>A non-streaming request: the same script as the one JSON message the API returns (faults map to their HTTP equivalents).</summary>
    private static async Task<ReplyOutcome> RunMessageAsync(FakeReply reply, IReplySink sink, ReplyContext context, string requestId, CancellationToken cancellationToken)
    {
        if (reply.Fault == FaultKind.ErrorEvent)
        {
            // What arrives as an error event mid-stream is the HTTP error of a non-streaming call.
            return await RunHttpErrorAsync(reply, StatusOf(reply.ErrorType!), reply.ErrorType!, reply.ErrorMessage!, sink, context, requestId, cancellationToken).ConfigureAwait(false);
        }

        if (reply.GateCallback is { } gate)
        {
            await gate(0, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        byte[] body = reply.Compiled.WholeMessage(context.Model(reply.Compiled));
        bool whole = reply.Fault is FaultKind.None;
        await sink.StartAsync(200, JsonContentType, whole ? body.Length : null, Headers(reply, context, requestId, 200, stream: false), cancellationToken).ConfigureAwait(false);
        switch (reply.Fault)
        {
            case FaultKind.Disconnect:
                await sink.AbortAsync().ConfigureAwait(false);
                return ReplyOutcome.ServerClosed;
            case FaultKind.Stall:
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                return ReplyOutcome.ClientGone;
            case FaultKind.Truncate:
                body = body[..(body.Length / 2)];
                break;
        }

        if (!await sink.WriteAsync(body, cancellationToken).ConfigureAwait(false))
        {
            return ReplyOutcome.ClientGone;
        }

        await sink.CompleteAsync().ConfigureAwait(false);
        return ReplyOutcome.Completed;
    }

    private static async Task<ReplyOutcome> RunStreamAsync(FakeReply reply, IReplySink sink, ReplyContext context, string requestId, CancellationToken cancellationToken)
    {
        CompiledReply compiled = reply.Compiled;
        Func<int, CancellationToken, Task>? gate = reply.GateCallback;
        FaultKind fault = reply.Fault;
        int faultAfter = reply.FaultAfterDeltas;
        bool autoPing = context.Options.AutoPing;

        await sink.StartAsync(200, EventStreamContentType, null, Headers(reply, context, requestId, 200, stream: true), cancellationToken).ConfigureAwait(false);
        if (!await sink.WriteAsync(compiled.MessageStart(context.Model(compiled)), cancellationToken).ConfigureAwait(false))
        {
            return ReplyOutcome.ClientGone;
        }

        if (fault != FaultKind.None && faultAfter == 0)
        {
            return await FaultAsync(reply, sink, requestId, cancellationToken).ConfigureAwait(false);
        }

        int sent = 0;
        foreach (CompiledEvent item in compiled.Body)
        {
            if (item.IsAutoPing && !autoPing)
            {
                continue;
            }

            if (item.IsDelta && gate is not null)
            {
                // WaitAsync: a gate that ignores its token must not keep a departed client's exchange alive.
                await gate(sent, cancellationToken).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await PaceAsync(reply, cancellationToken).ConfigureAwait(false);
            if (!await sink.WriteAsync(item.Bytes, cancellationToken).ConfigureAwait(false))
            {
                return ReplyOutcome.ClientGone;
            }

            if (item.IsDelta && ++sent == faultAfter && fault != FaultKind.None)
            {
                return await FaultAsync(reply, sink, requestId, cancellationToken).ConfigureAwait(false);
            }
        }

        if (fault != FaultKind.None)
        {
            // More deltas asked for than the script has: the fault replaces message_delta.
            return await FaultAsync(reply, sink, requestId, cancellationToken).ConfigureAwait(false);
        }

        await PaceAsync(reply, cancellationToken).ConfigureAwait(false);
        if (!await sink.WriteAsync(compiled.MessageDelta, cancellationToken).ConfigureAwait(false))
        {
            return ReplyOutcome.ClientGone;
        }

        await PaceAsync(reply, cancellationToken).ConfigureAwait(false);
        if (!await sink.WriteAsync(CompiledReply.MessageStop, cancellationToken).ConfigureAwait(false))
        {
            return ReplyOutcome.ClientGone;
        }

        await sink.CompleteAsync().ConfigureAwait(false);
        return ReplyOutcome.Completed;
    }

    private static async Task<ReplyOutcome> FaultAsync(FakeReply reply, IReplySink sink, string requestId, CancellationToken cancellationToken)
    {
        switch (reply.Fault)
        {
            case FaultKind.ErrorEvent:
                await PaceAsync(reply, cancellationToken).ConfigureAwait(false);
                byte[] error = CompiledReply.ErrorEvent(reply.ErrorType!, reply.ErrorMessage!, requestId);
                if (!await sink.WriteAsync(error, cancellationToken).ConfigureAwait(false))
                {
                    return ReplyOutcome.ClientGone;
                }

                await sink.CompleteAsync().ConfigureAwait(false);
                return ReplyOutcome.Completed;
            case FaultKind.Disconnect:
                await sink.AbortAsync().ConfigureAwait(false);
                return ReplyOutcome.ServerClosed;
            case FaultKind.Stall:
                // Send nothing more; the delay ends only when the client goes away (or the fake shuts down).
                await Task.Delay(Timeout.InfiniteTimeSpan, TimeProvider.System, cancellationToken).ConfigureAwait(false);
                return ReplyOutcome.ClientGone;
            default:
                await sink.CompleteAsync().ConfigureAwait(false);
                return ReplyOutcome.Completed;
        }
    }

    private static Task PaceAsync(FakeReply reply, CancellationToken cancellationToken) =>
        reply.PaceDelay > TimeSpan.Zero ? Task.Delay(reply.PaceDelay, TimeProvider.System, cancellationToken) : Task.CompletedTask;

    /// <summary>The HTTP status the API uses for an error type (for an error event turned into a non-streaming error).</summary>
    private static int StatusOf(string errorType) => errorType switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "overloaded_error" => 529,
        _ => 500,
    };

    /// <summary>The API's response headers, then the script's; a script header replaces a default of the same name.</summary>
    private static List<KeyValuePair<string, string>> Headers(FakeReply reply, ReplyContext context, string requestId, int status, bool stream)
    {
        var headers = new List<KeyValuePair<string, string>>(reply.Headers.Length + 16) { new("request-id", requestId) };
        if (stream)
        {
            headers.Add(new("cache-control", "no-cache"));
        }

        if (status >= 400)
        {
            // Where the API says whether to retry; clients that read it (all official SDKs) follow it over the status.
            bool retry = status is 408 or 409 or 429 || status >= 500;
            headers.Add(new("x-should-retry", retry ? "true" : "false"));
            if (status is 429 or 529)
            {
                headers.Add(new("retry-after", "0"));
            }
        }

        if (context.Options.RateLimitHeaders && status is not (401 or 404 or 405))
        {
            AddRateLimitHeaders(headers, context.Options.TimeProvider.GetUtcNow(), limited: status == 429);
        }

        foreach (KeyValuePair<string, string> scripted in reply.Headers)
        {
            headers.RemoveAll(h => string.Equals(h.Key, scripted.Key, StringComparison.OrdinalIgnoreCase)
                || (scripted.Key.Equals("retry-after-ms", StringComparison.OrdinalIgnoreCase) && h.Key == "retry-after"));
        }

        headers.AddRange(reply.Headers);
        return headers;
    }

    /// <summary>The <c>anthropic-ratelimit-*</c> family, with a tier-4-like budget that a test never exhausts.</summary>
    private static void AddRateLimitHeaders(List<KeyValuePair<string, string>> headers, DateTimeOffset now, bool limited)
    {
        string reset = now.AddSeconds(limited ? 1 : 60).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        Add("requests", 4_000, limited ? 0 : 3_999);
        Add("input-tokens", 2_000_000, limited ? 0 : 1_999_000);
        Add("output-tokens", 400_000, limited ? 0 : 399_000);
        Add("tokens", 2_400_000, limited ? 0 : 2_398_000);

        void Add(string kind, long limit, long remaining)
        {
            headers.Add(new($"anthropic-ratelimit-{kind}-limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            headers.Add(new($"anthropic-ratelimit-{kind}-remaining", remaining.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            headers.Add(new($"anthropic-ratelimit-{kind}-reset", reset));
        }
    }

    /// <summary>What of the request shapes the reply.</summary>
    private sealed class ReplyContext(RecordedRequest request, FakeMessagesOptions options)
    {
        public FakeMessagesOptions Options { get; } = options;

        /// <summary>The script's model, else the requested one (as the API echoes it), else the default.</summary>
        public string Model(CompiledReply compiled) =>
            compiled.Model ?? (Options.EchoModel ? request.Model : null) ?? FakeReply.DefaultModel;
    }
}
