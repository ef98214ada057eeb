using System.Text;

namespace ClaudeStreaming;

/// <summary>The Messages API: stream a reply, or create one and get the whole message.</summary>
/// <remarks>Thread-safe; get it from <see cref="ClaudeClient.Messages"/>. Its methods are virtual so callers can mock it.</remarks>
public class MessagesClient
{
    private const int MaxErrorBodyChars = 64 * 1024;

    private readonly MessagesRequestSender? _sender;
    private readonly ClientSettings? _settings;

    /// <summary>Creates a client for mocking; its methods throw unless overridden.</summary>
    protected MessagesClient()
    {
    }

    internal MessagesClient(MessagesRequestSender sender, ClientSettings settings)
    {
        _sender = sender;
        _settings = settings;
    }

    /// <summary>Starts a tool loop: streams each model turn, runs the tools Claude calls, sends their results, until Claude is done.</summary>
    /// <param name="request">The first request; its tools are kept and <paramref name="tools"/>' definitions are added.</param>
    /// <param name="tools">The client tools the runner may call.</param>
    /// <param name="options">The run's settings, such as <see cref="ToolRunOptions.MaxTurns"/>; <see langword="null"/> for the defaults.</param>
    /// <returns>The run: enumerate it for one <see cref="MessageStream"/> per turn, or await <see cref="ToolRun.GetFinalMessageAsync"/>. Dispose it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> or <paramref name="tools"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">Two tools share a name, or one clashes with a tool already in the request.</exception>
    /// <remarks>Nothing is sent until the run is enumerated; each turn goes through <see cref="StreamAsync"/>. See <see cref="ToolRun"/> for the loop's rules.</remarks>
    public ToolRun RunTools(MessageRequest request, IEnumerable<ClaudeTool> tools, ToolRunOptions? options = null) => new(this, request, tools, options);

    /// <summary>Sends the request and returns the reply as a stream, as soon as the response headers arrive.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the request and, later, the reading of the stream.</param>
    /// <returns>The stream; dispose it (<c>await using</c>) to release the connection.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ClaudeApiException">The API answered with an error status (a subclass per status, e.g. <see cref="ClaudeRateLimitException"/>).</exception>
    /// <exception cref="ClaudeConnectionException">No response arrived, after every retry.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// Failures before the response begins are retried (see <see cref="ClaudeClientOptions.MaxRetries"/>); once the
    /// stream has begun nothing is retried. The token keeps governing the stream after this method returns.
    /// </remarks>
    public virtual Task<MessageStream> StreamAsync(MessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (_sender is null || _settings is null)
        {
            throw new NotSupportedException("This MessagesClient was created for mocking; override StreamAsync.");
        }

        return StreamCoreAsync(_sender, _settings, request, cancellationToken);

        static async Task<MessageStream> StreamCoreAsync(MessagesRequestSender sender, ClientSettings settings, MessageRequest request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
            try
            {
                if (!RetryRules.IsSuccess(response.StatusCode))
                {
                    throw await ReadErrorAsync(response, settings, cancellationToken).ConfigureAwait(false);
                }

                Stream body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                return new MessageStream(response, body, settings.StreamIdleTimeout, settings.TimeProvider, settings.Secret, cancellationToken);
            }
            catch
            {
                response.Dispose();
                throw;
            }
        }
    }

    /// <summary>Sends the request and returns the whole reply.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The final message with its usage.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    /// <exception cref="ClaudeApiException">The API answered with an error status or an <c>error</c> event.</exception>
    /// <exception cref="ClaudeStreamException">The reply's stream failed; the exception carries the partial message.</exception>
    /// <exception cref="ClaudeConnectionException">No response arrived, after every retry.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>It streams underneath, so long replies are not subject to the API's 10-minute limit for non-streaming calls.</remarks>
    public virtual async Task<Message> CreateAsync(MessageRequest request, CancellationToken cancellationToken = default)
    {
        MessageStream stream = await StreamAsync(request, cancellationToken).ConfigureAwait(false);
        try
        {
            return await stream.GetFinalMessageAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            stream.Dispose();
        }
    }

    private static async Task<ClaudeApiException> ReadErrorAsync(HttpResponseMessage response, ClientSettings settings, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            // Bounded: an error page from a proxy can be large, and only its start is useful.
            using Stream stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            char[] buffer = new char[MaxErrorBodyChars];
            int read = await reader.ReadBlockAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
            text = new string(buffer, 0, read);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            text = "";
        }

        ErrorBody body = ErrorBody.FromText(text, settings.Secret);
        string? requestId = response.Headers.TryGetValues("request-id", out IEnumerable<string>? ids) ? ids.FirstOrDefault() : body.RequestId;
        return ErrorMapping.Create(response.StatusCode, body, requestId, isStreamError: false, RetryRules.ServerDelay(response.Headers), partial: null);
    }
}
