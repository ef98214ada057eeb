namespace ClaudeStreaming;

/// <summary>The entry point of the library: a client for Anthropic's Messages API that streams replies.</summary>
/// <remarks>
/// Thread-safe; create one and reuse it. With the parameterless constructor the client owns its
/// <see cref="HttpClient"/> and disposes it; a supplied <see cref="HttpClient"/> is neither changed nor disposed
/// (the credential goes on each request, never into its default headers).
/// </remarks>
public class ClaudeClient : IDisposable
{
    private readonly HttpClient? _ownedHttpClient;
    private readonly MessagesClient? _messages;

    /// <summary>Creates a client with its own <see cref="HttpClient"/>.</summary>
    /// <param name="options">The settings; <see langword="null"/> for the defaults (key from <c>ANTHROPIC_API_KEY</c>).</param>
    /// <exception cref="ArgumentException">The base address is not usable (relative, or plain http to a non-loopback host).</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The two constructors differ by their required first parameter; no call is ambiguous.")]
    public ClaudeClient(ClaudeClientOptions? options = null)
        : this(CreateHttpClient(), options, ownsHttpClient: true)
    {
    }

    /// <summary>Creates a client that sends through the given <see cref="HttpClient"/>, for example one from <c>IHttpClientFactory</c>.</summary>
    /// <param name="httpClient">The HTTP client; not changed and not disposed by this client.</param>
    /// <param name="options">The settings; <see langword="null"/> for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="httpClient"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The base address is not usable.</exception>
    /// <remarks>The HTTP client's <see cref="HttpClient.Timeout"/> bounds only the wait for the response headers, since the body is read as a stream.</remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The two constructors differ by their required first parameter; no call is ambiguous.")]
    public ClaudeClient(HttpClient httpClient, ClaudeClientOptions? options = null)
        : this(httpClient ?? throw new ArgumentNullException(nameof(httpClient)), options, ownsHttpClient: false)
    {
    }

    /// <summary>Creates a client for mocking; override <see cref="Messages"/>.</summary>
    protected ClaudeClient()
    {
    }

    private ClaudeClient(HttpClient httpClient, ClaudeClientOptions? options, bool ownsHttpClient)
    {
        try
        {
            var settings = new ClientSettings(options ?? new ClaudeClientOptions(), httpClient.BaseAddress);
            _messages = new MessagesClient(new MessagesRequestSender(httpClient, settings), settings);
            BaseAddress = settings.BaseAddress;
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

    /// <summary>The address the client sends to, as resolved when it was built (always ending in <c>/</c>).</summary>
    /// <value>
    /// <see cref="ClaudeClientOptions.BaseAddress"/>, else the <see cref="HttpClient.BaseAddress"/>, else <c>ANTHROPIC_BASE_URL</c>,
    /// else <c>https://api.anthropic.com/</c> (also for a client created for mocking).
    /// </value>
    public Uri BaseAddress { get; } = new(ClientSettings.DefaultBaseAddress);

    /// <summary>The Messages API.</summary>
    public virtual MessagesClient Messages => _messages ?? throw new NotSupportedException("This ClaudeClient was created for mocking; override Messages.");

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the <see cref="HttpClient"/> if this client created it.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttpClient?.Dispose();
        }
    }

    private static HttpClient CreateHttpClient() =>
        new(new SocketsHttpHandler
        {
            // Long-lived clients should follow DNS changes; streams can last many minutes, so no overall timeout.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = System.Net.DecompressionMethods.All,
            // Disposing an unfinished stream must close the connection at once (stopping generation and billing),
            // not drain the rest of the reply first.
            MaxResponseDrainSize = 0,
            // The API never redirects; following one could carry the key to another host.
            AllowAutoRedirect = false,
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
}
