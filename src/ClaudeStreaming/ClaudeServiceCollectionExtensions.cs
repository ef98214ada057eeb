using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClaudeStreaming;

/// <summary>Registers <see cref="ClaudeClient"/> with dependency injection as a typed <see cref="HttpClient"/> client.</summary>
public static class ClaudeServiceCollectionExtensions
{
    /// <summary>Registers <see cref="ClaudeClient"/> on a factory-managed <see cref="HttpClient"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options; the key defaults to <c>ANTHROPIC_API_KEY</c>.</param>
    /// <returns>The HTTP client builder, to add handlers.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="services"/> is <see langword="null"/>.</exception>
    /// <remarks>The credential headers are redacted from the factory's HTTP logging. The client logs through the app's <see cref="ILoggerFactory"/> unless <see cref="ClaudeClientOptions.LoggerFactory"/> is set.</remarks>
    public static IHttpClientBuilder AddClaudeClient(this IServiceCollection services, Action<ClaudeClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        OptionsBuilder<ClaudeClientOptions> options = services.AddOptions<ClaudeClientOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.PostConfigure<ILoggerFactory>(static (o, loggerFactory) => o.LoggerFactory ??= loggerFactory); // telemetry: the app's logging, unless the caller chose one

        return services
            .AddHttpClient(nameof(ClaudeClient), static http => http.Timeout = Timeout.InfiniteTimeSpan)
            .RedactLoggedHeaders(["x-api-key", "authorization"])
            .AddTypedClient(static (http, provider) => new ClaudeClient(http, provider.GetRequiredService<IOptions<ClaudeClientOptions>>().Value));
    }
}
