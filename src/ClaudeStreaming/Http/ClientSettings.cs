using System.Net;
using System.Reflection;

namespace ClaudeStreaming;

/// <summary>The options, resolved and frozen when a client is built.</summary>
internal sealed class ClientSettings
{
    public const string DefaultBaseAddress = "https://api.anthropic.com/";

    public ClientSettings(ClaudeClientOptions options, Uri? httpClientBaseAddress)
    {
        ApiKey = NullIfEmpty(options.ApiKey) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
        AuthToken = ApiKey is null
            ? NullIfEmpty(options.AuthToken) ?? NullIfEmpty(Environment.GetEnvironmentVariable("ANTHROPIC_AUTH_TOKEN"))
            : null;
        Uri baseAddress = options.BaseAddress
            ?? httpClientBaseAddress
            ?? (Environment.GetEnvironmentVariable("ANTHROPIC_BASE_URL") is { Length: > 0 } env ? new Uri(env, UriKind.Absolute) : null)
            ?? new Uri(DefaultBaseAddress);
        if (!baseAddress.IsAbsoluteUri)
        {
            throw new ArgumentException("BaseAddress must be an absolute URI.", nameof(options));
        }

        if (!baseAddress.AbsoluteUri.EndsWith('/'))
        {
            baseAddress = new Uri(baseAddress.AbsoluteUri + "/");
        }

        if (baseAddress.Scheme == Uri.UriSchemeHttp && !IsLoopback(baseAddress))
        {
            throw new ArgumentException(
                $"Refusing to send credentials in clear text to {baseAddress.Host}: use https, or http only to a loopback host.",
                nameof(options));
        }

        if (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException("BaseAddress must be an http or https URI.", nameof(options));
        }

        BaseAddress = baseAddress;
        MessagesUri = new Uri(baseAddress, "v1/messages");
        AnthropicVersion = options.AnthropicVersion ?? throw new ArgumentException("AnthropicVersion cannot be null.", nameof(options));
        Beta = options.Betas.Count > 0 ? string.Join(',', options.Betas) : null;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRetries, nameof(options.MaxRetries));
        MaxRetries = options.MaxRetries;
        Timeout = options.Timeout;
        StreamIdleTimeout = options.StreamIdleTimeout;
        TimeProvider = options.TimeProvider ?? TimeProvider.System;
    }

    public string? ApiKey { get; }

    public string? AuthToken { get; }

    public Uri BaseAddress { get; }

    public Uri MessagesUri { get; }

    public string AnthropicVersion { get; }

    public string? Beta { get; }

    public int MaxRetries { get; }

    public TimeSpan Timeout { get; }

    public TimeSpan StreamIdleTimeout { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The secret to scrub from anything that might be shown.</summary>
    public string? Secret => ApiKey ?? AuthToken;

    public static string UserAgent { get; } =
        $"ClaudeStreaming/{typeof(ClientSettings).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0"} (.NET {Environment.Version})";

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out IPAddress? ip) && IPAddress.IsLoopback(ip));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
