using System.Globalization;
using System.Net;
using System.Reflection;

namespace ClaudeStreaming;

// The helpers below validate parts of the public constructors' "options" parameter, and name it.
#pragma warning disable CA2208

/// <summary>The options, resolved, validated and frozen when a client is built.</summary>
/// <remarks>
/// Everything that can be wrong with the options is found here, before any request: a request that cannot succeed
/// should fail where the mistake is made, not as a 401 or a hang later.
/// </remarks>
internal sealed class ClientSettings
{
    public const string DefaultBaseAddress = "https://api.anthropic.com/";

    /// <summary>Polly's timeout strategy accepts 10 ms to one day; a value outside fails here, not deep inside Polly.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromMilliseconds(10);

    public static readonly TimeSpan MaxTimeout = TimeSpan.FromDays(1);

    /// <summary>A <see cref="TimeProvider"/> timer takes at most this due time.</summary>
    public static readonly TimeSpan MaxIdleTimeout = TimeSpan.FromMilliseconds(int.MaxValue);

    public ClientSettings(ClaudeClientOptions options, Uri? httpClientBaseAddress)
    {
        ArgumentNullException.ThrowIfNull(options);
        ApiKey = NullIfEmpty(options.ApiKey) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
        AuthToken = ApiKey is null
            ? NullIfEmpty(options.AuthToken) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_AUTH_TOKEN"))
            : null;
        if (ApiKey is null && AuthToken is null)
        {
            // As the Python SDK does: a request without credentials can only earn a 401, so fail where the mistake is.
            throw new ArgumentException(
                "No credential: set ClaudeClientOptions.ApiKey or the ANTHROPIC_API_KEY environment variable (or ClaudeClientOptions.AuthToken or ANTHROPIC_AUTH_TOKEN for a bearer token).",
                nameof(options));
        }

        RequireHeaderValue(ApiKey, "ApiKey");
        RequireHeaderValue(AuthToken, "AuthToken");

        BaseAddress = ResolveBaseAddress(options.BaseAddress ?? httpClientBaseAddress);
        MessagesUri = new Uri(BaseAddress, "v1/messages");

        if (string.IsNullOrEmpty(options.AnthropicVersion))
        {
            throw new ArgumentException("ClaudeClientOptions.AnthropicVersion cannot be null or empty.", nameof(options));
        }

        RequireHeaderValue(options.AnthropicVersion, "AnthropicVersion");
        AnthropicVersion = options.AnthropicVersion;
        for (int i = 0; i < options.Betas.Count; i++)
        {
            if (string.IsNullOrEmpty(options.Betas[i]))
            {
                throw new ArgumentException($"ClaudeClientOptions.Betas[{i}] cannot be null or empty.", nameof(options));
            }

            RequireHeaderValue(options.Betas[i], $"Betas[{i}]");
        }

        Beta = options.Betas.Count > 0 ? string.Join(',', options.Betas) : null;

        if (options.MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxRetries, "ClaudeClientOptions.MaxRetries must be 0 or more.");
        }

        if (options.Timeout != System.Threading.Timeout.InfiniteTimeSpan && (options.Timeout < MinTimeout || options.Timeout > MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout, "ClaudeClientOptions.Timeout must be between 10 ms and 1 day, or Timeout.InfiniteTimeSpan.");
        }

        if (options.StreamIdleTimeout != System.Threading.Timeout.InfiniteTimeSpan && (options.StreamIdleTimeout <= TimeSpan.Zero || options.StreamIdleTimeout > MaxIdleTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.StreamIdleTimeout, "ClaudeClientOptions.StreamIdleTimeout must be positive (at most about 24.8 days), or Timeout.InfiniteTimeSpan.");
        }

        MaxRetries = options.MaxRetries;
        Timeout = options.Timeout;
        StreamIdleTimeout = options.StreamIdleTimeout;
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
        Telemetry = new TelemetrySettings(options, MessagesUri, TimeProvider); // telemetry
    }

    public string? ApiKey { get; }

    /// <summary>The secret a client built from <paramref name="options"/> would send, without validating anything else.</summary>
    public static string? ResolveSecret(ClaudeClientOptions options) =>
        NullIfEmpty(options.ApiKey) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"))
        ?? NullIfEmpty(options.AuthToken) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_AUTH_TOKEN"));

    public string? AuthToken { get; }

    /// <summary>The absolute base address, ending in <c>/</c>.</summary>
    public Uri BaseAddress { get; }

    public Uri MessagesUri { get; }

    public string AnthropicVersion { get; }

    public string? Beta { get; }

    public int MaxRetries { get; }

    public TimeSpan Timeout { get; }

    public TimeSpan StreamIdleTimeout { get; }

    public TimeProvider TimeProvider { get; }

    public TelemetrySettings Telemetry { get; } // telemetry

    /// <summary>The secret to scrub from anything that might be shown.</summary>
    public string? Secret => ApiKey ?? AuthToken;

    public static string UserAgent { get; } =
        $"ClaudeStreaming/{typeof(ClientSettings).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0"} (.NET {Environment.Version})";

    /// <summary>
    /// Visible ASCII only (0x21-0x7E): a CR or LF would end the header and start one of the caller's choosing, and
    /// anything else non-visible is either refused by the HTTP stack on the wire (a failure that would look like a
    /// network error and be retried) or never a legitimate key, token, version or beta name.
    /// </summary>
    /// <remarks>The message names the option and the position, never the value: the value may be the key.</remarks>
    internal static void RequireHeaderValue(string? value, string option)
    {
        if (value is null)
        {
            return;
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c is < '\x21' or > '\x7E')
            {
                string what = c switch
                {
                    '\r' => "a carriage return (CR)",
                    '\n' => "a line feed (LF)",
                    ' ' => "a space",
                    < '\x20' or '\x7F' => "a control character",
                    _ => "a non-ASCII character",
                };
                throw new ArgumentException(
                    string.Create(CultureInfo.InvariantCulture, $"ClaudeClientOptions.{option} contains {what} at position {i}; header values must be visible ASCII (the value is not shown)."),
                    "options");
            }
        }
    }

    private static Uri ResolveBaseAddress(Uri? configured)
    {
        Uri baseAddress = configured
            ?? (Environment.GetEnvironmentVariable("ANTHROPIC_BASE_URL") is { Length: > 0 } env
                ? Uri.TryCreate(env, UriKind.Absolute, out Uri? fromEnv) ? fromEnv : throw new ArgumentException("ANTHROPIC_BASE_URL is not an absolute URI.", "options")
                : null)
            ?? new Uri(DefaultBaseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("ClaudeClientOptions.BaseAddress must be an absolute URI.", "options");
        }

        if (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("ClaudeClientOptions.BaseAddress must be an http or https URI.", "options");
        }

        if (!string.IsNullOrEmpty(baseAddress.UserInfo))
        {
            throw new ArgumentException("ClaudeClientOptions.BaseAddress must not contain user information; set ApiKey or AuthToken instead.", "options");
        }

        if (baseAddress.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseAddress))
        {
            throw new ArgumentException(
                $"Refusing to send credentials in clear text to {baseAddress.Host}: use https, or http only to a loopback host.",
                "options");
        }

        return baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
