namespace ClaudeStreaming;

/// <summary>No response arrived: the connection failed or timed out before the response headers, after every retry.</summary>
public sealed class ClaudeConnectionException : ClaudeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A one-line description.</param>
    /// <param name="innerException">The underlying error.</param>
    public ClaudeConnectionException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary><see langword="true"/> when the attempt timed out (see <see cref="ClaudeClientOptions.Timeout"/>).</summary>
    public bool IsTimeout { get; init; }
}
