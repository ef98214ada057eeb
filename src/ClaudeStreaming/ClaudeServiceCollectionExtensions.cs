using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClaudeStreaming;

/// <summary>Registers <see cref="ClaudeClient"/> with dependency injection as a typed <see cref="HttpClient"/> client.</summary>
/// <remarks>
/// The factory's client behaves like the standalone one: the same primary handler settings (no response drain, so a
/// disposed or canceled stream closes its connection at once; no redirects; pooled connection lifetime; keep-alive
/// pings; decompression), an infinite <see cref="HttpClient.Timeout"/>, and the credential headers redacted from the
/// factory's HTTP logging. Response header values that contain the credential are replaced before any logging handler
/// sees them. Redirects stay off even if the app sets its own primary handler, as long as it is a
/// <see cref="SocketsHttpHandler"/> or <see cref="HttpClientHandler"/>.
/// </remarks>
public static class ClaudeServiceCollectionExtensions
{
    internal const string HttpClientName = nameof(ClaudeClient);

    /// <summary>Registers <see cref="ClaudeClient"/> on a factory-managed <see cref="HttpClient"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the key defaults to <c>ANTHROPIC_API_KEY</c>.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The options are validated when the app starts (<c>ValidateOnStart</c>) and again whenever a client is built:
    /// invalid options, or no credential at all, fail with an <see cref="OptionsValidationException"/> whose message says
    /// what is wrong (for a missing credential, it names <c>ANTHROPIC_API_KEY</c> and <c>ANTHROPIC_AUTH_TOKEN</c>).
    /// The client logs through the app's <see cref="ILoggerFactory"/> unless <see cref="ClaudeClientOptions.LoggerFactory"/> is set.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The overloads differ by the type of their second parameter; only a literal null is ambiguous.")]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0027", Justification = "Both overloads have two parameters; the optional one keeps its shipped shape.")]
    public static IHttpClientBuilder AddClaudeClient(this IServiceCollection services, Action<ClaudeClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<ClaudeClientOptions> options = services.AddOptions<ClaudeClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        return Register(services, options);
    }

    /// <summary>Registers <see cref="ClaudeClient"/> on a factory-managed <see cref="HttpClient"/>, with its options bound from configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">
    /// The section to bind, for example <c>builder.Configuration.GetSection("Claude")</c>. Its keys are the option names:
    /// <c>ApiKey</c>, <c>AuthToken</c>, <c>BaseAddress</c> (a URI string), <c>AnthropicVersion</c>, <c>Betas</c> (an array,
    /// or one comma-separated string), <c>MaxRetries</c>, <c>Timeout</c> and <c>StreamIdleTimeout</c> (invariant time
    /// spans such as <c>00:00:30</c>, or <c>Infinite</c>). Keys that are absent keep their defaults.
    /// </param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Validated as for <see cref="AddClaudeClient(IServiceCollection, Action{ClaudeClientOptions}?)"/>. A value that does
    /// not convert (a <c>MaxRetries</c> of <c>"many"</c>) throws <see cref="InvalidOperationException"/> naming its
    /// configuration path, never its value. The binding is written out by hand, so it is trim- and AOT-safe.
    /// </remarks>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026", Justification = "The overloads differ by the type of their second parameter; only a literal null is ambiguous.")]
    public static IHttpClientBuilder AddClaudeClient(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        OptionsBuilder<ClaudeClientOptions> options = services.AddOptions<ClaudeClientOptions>()
            .Configure(o => ClaudeClientOptionsBinder.Bind(configuration, o));
        return Register(services, options);
    }

    /// <summary>
    /// Registers a keyed <see cref="ClaudeClient"/> named <paramref name="name"/>, for an app that talks to more than one
    /// Claude endpoint (inject it with <c>[FromKeyedServices("name")]</c>); each name has its own options and HTTP client.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key, also the name of the options (<c>IOptionsMonitor&lt;ClaudeClientOptions&gt;.Get(name)</c>).</param>
    /// <param name="configure">Sets the options; the key defaults to <c>ANTHROPIC_API_KEY</c>.</param>
    /// <returns>The HTTP client builder of this name's client, to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configure"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    /// <remarks>Validated, and set up, as for <see cref="AddClaudeClient(IServiceCollection, Action{ClaudeClientOptions}?)"/>.</remarks>
    public static IHttpClientBuilder AddKeyedClaudeClient(this IServiceCollection services, string name, Action<ClaudeClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configure);
        return RegisterKeyed(services, name, services.AddOptions<ClaudeClientOptions>(name).Configure(configure));
    }

    /// <summary>Registers a keyed <see cref="ClaudeClient"/> named <paramref name="name"/>, with its options bound from configuration.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="name">The service key, also the name of the options.</param>
    /// <param name="configuration">The section to bind, with the keys of <see cref="AddClaudeClient(IServiceCollection, IConfiguration)"/>.</param>
    /// <returns>The HTTP client builder of this name's client, to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/>, <paramref name="name"/> or <paramref name="configuration"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static IHttpClientBuilder AddKeyedClaudeClient(this IServiceCollection services, string name, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(configuration);
        return RegisterKeyed(services, name, services.AddOptions<ClaudeClientOptions>(name).Configure(o => ClaudeClientOptionsBinder.Bind(configuration, o)));
    }

    /// <summary>The options name behind the factory client <paramref name="httpClientName"/>, or <see langword="null"/> if it is not one of ours.</summary>
    internal static string? OptionsNameOf(string? httpClientName) =>
        httpClientName == HttpClientName ? Options.DefaultName
        : httpClientName is not null && httpClientName.StartsWith(KeyedPrefix, StringComparison.Ordinal) ? httpClientName[KeyedPrefix.Length..]
        : null;

    private const string KeyedPrefix = HttpClientName + ":";

    private static IHttpClientBuilder Register(IServiceCollection services, OptionsBuilder<ClaudeClientOptions> options) =>
        ConfigureHttpClient(services, options, HttpClientName)
            .AddTypedClient(static (http, provider) => new ClaudeClient(http, provider.GetRequiredService<IOptionsMonitor<ClaudeClientOptions>>().CurrentValue));

    private static IHttpClientBuilder RegisterKeyed(IServiceCollection services, string name, OptionsBuilder<ClaudeClientOptions> options)
    {
        string httpClientName = KeyedPrefix + name;
        IHttpClientBuilder builder = ConfigureHttpClient(services, options, httpClientName);
        services.AddKeyedTransient(name, (provider, _) => new ClaudeClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(httpClientName),
            provider.GetRequiredService<IOptionsMonitor<ClaudeClientOptions>>().Get(name)));
        return builder;
    }

    private static IHttpClientBuilder ConfigureHttpClient(IServiceCollection services, OptionsBuilder<ClaudeClientOptions> options, string httpClientName)
    {
        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ClaudeClientOptions>, ClaudeClientOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, ClaudeHandlerFilter>());
        options.PostConfigure<ILoggerFactory>(static (o, loggerFactory) => o.LoggerFactory ??= loggerFactory); // telemetry: the app's logging, unless the caller chose one

        return services
            .AddHttpClient(httpClientName, static http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(RedirectGuard.CreatePrimaryHandler)
            // The handler's PooledConnectionLifetime already follows DNS changes; the factory's rotation would only add churn.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(["x-api-key", "authorization"]);
    }
}
