namespace ClaudeStreaming.Testing.Internal;

/// <summary>Where a reply is written: a Kestrel response or an in-memory pipe.</summary>
internal interface IReplySink
{
    /// <summary>Sends the status line and headers.</summary>
    ValueTask StartAsync(int status, string contentType, long? contentLength, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken);

    /// <summary>Writes and flushes one chunk; returns <see langword="false"/> when the client has gone away.</summary>
    ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Ends the body cleanly.</summary>
    ValueTask CompleteAsync();

    /// <summary>Drops the connection without ending the body (a scripted disconnect).</summary>
    ValueTask AbortAsync();
}

/// <summary>How an exchange ended.</summary>
internal enum ReplyOutcome
{
    /// <summary>The whole script was sent (including scripted error events and truncations).</summary>
    Completed,

    /// <summary>The client disconnected or cancelled (or the fake shut down) before the script finished.</summary>
    ClientGone,

    /// <summary>The fake dropped the connection on purpose, or a gate threw.</summary>
    ServerClosed,
}
