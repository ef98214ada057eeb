using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace ClaudeStreaming;

/// <summary>
/// Runs after every configuration of the factory's <c>ClaudeClient</c> handler, the app's included: turns redirects off
/// on whatever primary handler it ended with (an app that sets its own, for a proxy say, gets the default
/// <c>AllowAutoRedirect = true</c>), and puts <see cref="CredentialScrubbingHandler"/> directly on it.
/// </summary>
internal sealed class ClaudeHandlerFilter(IOptionsMonitor<ClaudeClientOptions> options) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (ClaudeServiceCollectionExtensions.OptionsNameOf(builder.Name) is not { } optionsName)
        {
            return;
        }

        // A handler that cannot be switched off is left as it is: ClaudeClient's constructor then refuses it if it can
        // tell that it follows redirects, and fails any call whose reply came from another host.
        RedirectGuard.TryDisableRedirects(builder.PrimaryHandler);
        builder.PrimaryHandler = new CredentialScrubbingHandler(builder.PrimaryHandler, ClientSettings.ResolveSecret(options.Get(optionsName)));
    };
}
