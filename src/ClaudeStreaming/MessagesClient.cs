namespace ClaudeStreaming;

/// <summary>The Messages API: stream a reply, or create one and get the whole message.</summary>
/// <remarks>Thread-safe; get it from <see cref="ClaudeClient.Messages"/>. To test code that uses it, serve it from <c>ClaudeStreaming.Testing</c>'s fake Messages API (in memory or on loopback) rather than mocking it.</remarks>
public sealed class MessagesClient
{
    private readonly MessagesRequestSender _sender;
    private readonly ClientSettings _settings;

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
    /// <exception cref="ClaudeApiException">
    /// The API answered with an error status (a subclass per status, e.g. <see cref="ClaudeRateLimitException"/>), or with
    /// a redirect (3xx), which is never followed: the message names the status and the <c>Location</c> host.
    /// </exception>
    /// <exception cref="ClaudeConnectionException">
    /// No response arrived, after every retry (<see cref="ClaudeConnectionException.IsTimeout"/> when an attempt's
    /// timeout or a supplied <see cref="HttpClient"/>'s own timeout fired); or an error response's body could not be read
    /// (corrupt compression, connection lost); or a supplied client's handler followed a redirect to another host.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled.</exception>
    /// <remarks>
    /// Failures before the response begins are retried (see <see cref="ClaudeClientOptions.MaxRetries"/>); once the
    /// stream has begun nothing is retried. The token keeps governing the stream after this method returns.
    /// </remarks>
    public Task<MessageStream> StreamAsync(MessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return StreamCoreAsync(_sender, _settings, request, cancellationToken);

        static async Task<MessageStream> StreamCoreAsync(MessagesRequestSender sender, ClientSettings settings, MessageRequest request, CancellationToken cancellationToken)
        {
            CallTelemetry? telemetry = CallTelemetry.Start(settings.Telemetry, request); // telemetry
            try
            {
                HttpResponseMessage response = await sender.SendAsync(request, cancellationToken).ConfigureAwait(false);
                try
                {
                    if (!RetryRules.IsSuccess(response.StatusCode))
                    {
                        throw await ErrorResponseReader.ReadAsync(response, settings, cancellationToken).ConfigureAwait(false);
                    }

                    telemetry?.ResponseStarted(response); // telemetry
                    Stream body;
                    try
                    {
                        body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException)
                    {
                        throw new ClaudeConnectionException(
                            $"The response from {settings.MessagesUri.Authority} failed before its body began: {Redaction.Bounded(ex.Message, settings.Secret, ErrorBody.MaxRawLength)}",
                            Redaction.Exception(ex, settings.Secret))
                        { RequestId = ErrorMapping.RequestId(response, settings.Secret) };
                    }

                    return new MessageStream(response, body, settings.StreamIdleTimeout, settings.TimeProvider, settings.Secret, cancellationToken, telemetry); // telemetry: last argument
                }
                catch
                {
                    response.Dispose();
                    throw;
                }
            }
            catch (Exception ex) when (telemetry is not null) // telemetry
            {
                telemetry.Failed(ex, eventsReceived: 0); // telemetry
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
    public async Task<Message> CreateAsync(MessageRequest request, CancellationToken cancellationToken = default)
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
}
