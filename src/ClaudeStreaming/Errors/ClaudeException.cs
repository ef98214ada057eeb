namespace ClaudeStreaming;

/// <summary>The base of every error this library raises about a Messages API call.</summary>
/// <remarks>Messages never contain the API key or request headers.</remarks>
public abstract class ClaudeException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">A one-line description.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    protected ClaudeException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }

    /// <summary>The <c>request-id</c> of the failed call, to quote to Anthropic support; <see langword="null"/> when no response arrived.</summary>
    public string? RequestId { get; init; }

    /// <summary>What had arrived of the reply before the failure (text, blocks, usage); <see langword="null"/> when the failure came before the stream began.</summary>
    public Message? PartialMessage { get; init; }
}
