namespace ClaudeStreaming;

/// <summary>A stream failed after its response had begun: a malformed event, a body cut short, a dropped connection, or a stall.</summary>
/// <remarks>
/// <see cref="ClaudeException.PartialMessage"/> holds everything that arrived before the failure, and
/// <see cref="MessageStream.TextStream"/> has already yielded all of its text. These failures are not retried: a new
/// request would be billed again and could answer differently.
/// </remarks>
public sealed class ClaudeStreamException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">What went wrong.</param>
    /// <param name="message">A one-line description that says what and where.</param>
    /// <param name="eventNumber">The 1-based number of the event at fault, or of the last event read.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public ClaudeStreamException(StreamFailure failure, string message, long eventNumber, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
        EventNumber = eventNumber;
    }

    /// <summary>What went wrong.</summary>
    public StreamFailure Failure { get; }

    /// <summary>The 1-based number of the event at fault, or of the last event read before the failure.</summary>
    public long EventNumber { get; }
}
