namespace ClaudeStreaming.Testing.Internal;

/// <summary>Plays a <see cref="FakeReply"/> into a sink: the single engine behind the server and the handler.</summary>
internal static class ReplyRunner
{
    private const string EventStreamContentType = "text/event-stream; charset=utf-8";

    public static async Task<ReplyOutcome> RunAsync(FakeReply reply, IReplySink sink, CancellationToken cancellationToken)
    {
        try
        {
            if (reply.HeaderDelay > TimeSpan.Zero)
            {
                await Task.Delay(reply.HeaderDelay, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            }

            string requestId = reply.FixedRequestId ?? Ids.NewRequestId();
            return reply.Kind switch
            {
                ReplyKind.HttpError => await RunHttpErrorAsync(reply, sink, requestId, cancellationToken).ConfigureAwait(false),
                ReplyKind.Raw => await RunRawAsync(reply, sink, requestId, cancellationToken).ConfigureAwait(false),
                _ => await RunStreamAsync(reply, sink, requestId, cancellationToken).ConfigureAwait(false),
            };
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Whatever failed (a delay, a gate, a write), it failed because the client went away.
            return ReplyOutcome.ClientGone;
        }
    }

    private static async Task<ReplyOutcome> RunHttpErrorAsync(FakeReply reply, IReplySink sink, string requestId, CancellationToken cancellationToken)
    {
        byte[] body = SseWriter.Json(w => CompiledReply.WriteErrorBody(w, reply.ErrorType!, reply.ErrorMessage!, requestId));
        await sink.StartAsync(reply.Status, "application/json", body.Length, Headers(reply, requestId, stream: false), cancellationToken).ConfigureAwait(false);
        if (!await sink.WriteAsync(body, cancellationToken).ConfigureAwait(false))
        {
            return ReplyOutcome.ClientGone;
        }

        await sink.CompleteAsync().ConfigureAwait(false);
        return ReplyOutcome.Completed;
    }

    private static async Task<ReplyOutcome> RunRawAsync(FakeReply reply, IReplySink sink, string requestId, CancellationToken cancellationToken)
    {
        await sink.StartAsync(200, EventStreamContentType, null, Headers(reply, requestId, stream: true), cancellationToken).ConfigureAwait(false);
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

    private static async Task<ReplyOutcome> RunStreamAsync(FakeReply reply, IReplySink sink, string requestId, CancellationToken cancellationToken)
    {
        CompiledReply compiled = reply.Compiled;
        Func<int, CancellationToken, Task>? gate = reply.GateCallback;
        FaultKind fault = reply.Fault;
        int faultAfter = reply.FaultAfterDeltas;

        await sink.StartAsync(200, EventStreamContentType, null, Headers(reply, requestId, stream: true), cancellationToken).ConfigureAwait(false);
        if (!await sink.WriteAsync(compiled.MessageStart(), cancellationToken).ConfigureAwait(false))
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

    private static List<KeyValuePair<string, string>> Headers(FakeReply reply, string requestId, bool stream)
    {
        var headers = new List<KeyValuePair<string, string>>(reply.Headers.Length + 2) { new("request-id", requestId) };
        if (stream)
        {
            headers.Add(new("cache-control", "no-cache"));
        }

        headers.AddRange(reply.Headers);
        return headers;
    }
}
