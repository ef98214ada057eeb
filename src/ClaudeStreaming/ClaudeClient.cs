namespace ClaudeStreaming;

/// <summary>The entry point of the library: a client for Anthropic's Messages API that streams replies.</summary>
/// <remarks>
/// Thread-safe; create one and reuse it. With the parameterless constructor the client owns its
/// <see cref="HttpClient"/> and disposes it; a supplied <see cref="HttpClient"/> is neither changed nor disposed
/// (the credential goes on each request, never into its default headers).
/// </remarks>
public sealed class ClaudeClient : IDisposable
{
    private readonly HttpClient? _ownedHttpClient;
    private readonly MessagesClient _messages;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults (key from <c>ANTHROPIC_API_KEY</c>).</param>
    /// <exception cref="ArgumentException">
    /// No credential (neither <see cref="ClaudeClientOptions.ApiKey"/>/<c>ANTHROPIC_API_KEY</c> nor
    /// <see cref="ClaudeClientOptions.AuthToken"/>/<c>ANTHROPIC_AUTH_TOKEN</c>); a header value (key, token, version, beta)
    /// with a character that is not visible ASCII; or a base address that is not usable (relative, not http(s), or plain
    /// http to a non-loopback host).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <see cref="ClaudeClientOptions.MaxRetries"/>, <see cref="ClaudeClientOptions.Timeout"/> or
    /// <see cref="ClaudeClientOptions.StreamIdleTimeout"/> is outside the range its documentation gives.
    /// </exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The two constructors differ by their required first parameter; no call is ambiguous.")]
    public ClaudeClient(ClaudeClientOptions? options = null)
        : this(CreateHttpClient(), options, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client that sends through the given <see cref="HttpClient"/>, for example one from <c>IHttpClientFactory</c>.</summary>
    /// <param name="httpClient">The HTTP client; not changed and not disposed by this client.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">
    /// The options are not valid (as for <see cref="ClaudeClient(ClaudeClientOptions?)"/>), or the HTTP client's handler is
    /// known to follow redirects (a <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/> with
    /// <c>AllowAutoRedirect</c> on, the default of <c>new HttpClient()</c>).
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">A numeric option is out of its range.</exception>
    /// <remarks>
    /// <para>The HTTP client's <see cref="HttpClient.Timeout"/> bounds only the wait for the response headers, since the body is read as a stream; when it fires, the attempt counts as timed out and is retried like any other.</para>
    /// <para>
    /// Redirects: the library refuses an HTTP client whose handler it can see follows redirects, and turns a 3xx into a
    /// <see cref="ClaudeApiException"/>. It cannot see inside a custom handler: if such a handler follows a redirect, the
    /// key has gone with it before the response comes back, and the library can only fail the call
    /// (<see cref="ClaudeConnectionException"/>) rather than read another host's reply. Give a custom handler no
    /// redirect-following, or use <c>AddClaudeClient</c>.
    /// </para>
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The two constructors differ by their required first parameter; no call is ambiguous.")]
    public ClaudeClient(HttpClient httpClient, ClaudeClientOptions? options = null)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options, ownsHttpClient: false)
    {
    }

    private ClaudeClient(HttpClient httpClient, ClaudeClientOptions? options, bool ownsHttpClient)
    {
        try
        {
            var settings = new ClientSettings(options ?? new ClaudeClientOptions(), httpClient.BaseAddress);
            BaseAddress = settings.BaseAddress;
            _messages = new MessagesClient(new MessagesRequestSender(httpClient, settings), settings);
            _ownedHttpClient = ownsHttpClient ? httpClient : null;
        }
        catch
        {
            if (ownsHttpClient)
            {
                httpClient.Dispose();
            }

            throw;
        }
    }

    /// <summary>The base address requests are sent to; <c>v1/messages</c> is resolved against it.</summary>
    /// <value>
    /// The resolved <see cref="ClaudeClientOptions.BaseAddress"/> (else the supplied <see cref="HttpClient.BaseAddress"/>,
    /// else <c>ANTHROPIC_BASE_URL</c>, else <c>https://api.anthropic.com/</c>), absolute and ending in <c>/</c>.
    /// </value>
    public Uri BaseAddress { get; }

    /// <summary>The Messages API.</summary>
    /// <remarks>To test code that uses it, point a real client at <c>ClaudeStreaming.Testing</c>'s fake API rather than mocking it.</remarks>
    public MessagesClient Messages => _messages;

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose() => _ownedHttpClient?.Dispose();

    /// <summary>The same handler settings as the factory's client from <c>AddClaudeClient</c> (see <see cref="RedirectGuard.CreatePrimaryHandler"/>).</summary>
    private static HttpClient CreateHttpClient() =>
        new(RedirectGuard.CreatePrimaryHandler())
        {
            // Streams can last many minutes, so no overall timeout; ClaudeClientOptions.Timeout bounds each attempt's headers.
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
