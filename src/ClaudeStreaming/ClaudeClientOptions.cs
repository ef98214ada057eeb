namespace ClaudeStreaming;

/// <summary>Settings of a <see cref="ClaudeClient"/>. They are copied and validated when the client is built; later changes do not affect it.</summary>
/// <remarks>
/// Every header value (<see cref="ApiKey"/>, <see cref="AuthToken"/>, <see cref="AnthropicVersion"/>, each of
/// <see cref="Betas"/>) must be visible ASCII (no CR, LF, space, control or non-ASCII character), so that no value can add
/// a header of its own; a bad value is an <see cref="ArgumentException"/> at construction that does not quote the value.
/// </remarks>
public sealed class ClaudeClientOptions
{
    /// <summary>The API key, sent as <c>x-api-key</c> on each request.</summary>
    /// <value>
    /// Defaults to the <c>ANTHROPIC_API_KEY</c> environment variable. Visible ASCII only. A client needs this or
    /// <see cref="AuthToken"/>: with neither (nor their environment variables), construction throws
    /// <see cref="ArgumentException"/> naming <c>ANTHROPIC_API_KEY</c> and <c>ANTHROPIC_AUTH_TOKEN</c>.
    /// </value>
    public string? ApiKey { get; set; }

    /// <summary>An OAuth or bearer token, sent as <c>Authorization: Bearer</c>, used instead of <see cref="ApiKey"/> when the key is not set.</summary>
    /// <value>Defaults to the <c>ANTHROPIC_AUTH_TOKEN</c> environment variable. Visible ASCII only.</value>
    public string? AuthToken { get; set; }

    /// <summary>The API's base address; <c>v1/messages</c> is resolved against it.</summary>
    /// <value>
    /// Defaults to the <see cref="HttpClient.BaseAddress"/> of a supplied client, else the <c>ANTHROPIC_BASE_URL</c>
    /// environment variable, else <c>https://api.anthropic.com/</c>. Must be an absolute <c>https</c> URI without user
    /// information; plain <c>http</c> is accepted only for a loopback host, so that a credential never crosses a network in
    /// clear text. Anything else is an <see cref="ArgumentException"/> at construction.
    /// </value>
    public Uri? BaseAddress { get; set; }

    /// <summary>The <c>anthropic-version</c> header.</summary>
    /// <value>Defaults to <c>2023-06-01</c>. Not empty; visible ASCII only.</value>
    public string AnthropicVersion { get; set; } = "2023-06-01";

    /// <summary>Beta features to enable, sent comma-separated in the <c>anthropic-beta</c> header.</summary>
    /// <value>Empty by default. Each name not empty; visible ASCII only.</value>
    public IList<string> Betas { get; } = [];

    /// <summary>How many times a failed attempt is retried before the response begins (connection errors, timeouts, 408, 409, 429, 5xx, or <c>x-should-retry: true</c>).</summary>
    /// <value>Defaults to 2 (three attempts); 0 or more, else <see cref="ArgumentOutOfRangeException"/> at construction. Once a stream has begun nothing is retried, and a redirect (3xx) never is.</value>
    public int MaxRetries { get; set; } = 2;

    /// <summary>How long one attempt may wait for the response headers; for an error response, also how long its body may take to read.</summary>
    /// <value>
    /// Defaults to 10 minutes. From 10 ms to 1 day, or <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> for no
    /// limit; anything else (zero, negative) is an <see cref="ArgumentOutOfRangeException"/> at construction.
    /// </value>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a stream (or an error response's body) may go without receiving a byte before it fails; a stream fails with <see cref="StreamFailure.Stalled"/>.</summary>
    /// <value>
    /// Defaults to 5 minutes; the API sends <c>ping</c> events well within that. Positive (at most about 24.8 days), or
    /// <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> to turn it off; zero or another negative value is an
    /// <see cref="ArgumentOutOfRangeException"/> at construction.
    /// </value>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock for timeouts and retry delays; replace it in tests.</summary>
    /// <value>Defaults to <see cref="TimeProvider.System"/>.</value>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where the client logs its requests, retries and stream outcomes (category <c>ClaudeStreaming</c>); see <see cref="ClaudeTelemetry"/>.</summary>
    /// <value>Defaults to <see langword="null"/>: nothing is logged. <c>AddClaudeClient</c> sets it to the app's <see cref="Microsoft.Extensions.Logging.ILoggerFactory"/>.</value>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Whether traces record the prompt, system prompt, tool definitions and reply (the GenAI conventions' opt-in content attributes).</summary>
    /// <value>Defaults to <see langword="false"/>. Sensitive: the content then reaches every trace exporter and backend.</value>
    public bool EnableSensitiveTelemetryData { get; set; }
}
