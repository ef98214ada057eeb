using System.Runtime.CompilerServices;

namespace ClaudeStreaming;

/// <summary>
/// Keeps the credential from following a redirect. The Messages API never redirects, and .NET strips only
/// <c>Authorization</c> when its handler follows one, not <c>x-api-key</c>: a handler that follows redirects sends the
/// key (and, for 307/308, the whole request) to whatever host a misconfigured proxy or a hostile server names.
/// </summary>
internal static class RedirectGuard
{
    /// <summary>The settings of every handler this library creates: the standalone client's and the factory's primary handler.</summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        // Long-lived clients should follow DNS changes.
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // Streams can last many minutes with long silences between events; pings keep proxies from dropping them.
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
        KeepAlivePingDelay = TimeSpan.FromSeconds(60),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        AutomaticDecompression = System.Net.DecompressionMethods.All,
        // Disposing an unfinished stream must close the connection at once (stopping generation and billing),
        // not drain the rest of the reply first.
        MaxResponseDrainSize = 0,
        // The API never redirects; following one could carry the key to another host.
        AllowAutoRedirect = false,
    };

    /// <summary>
    /// Whether the handler behind <paramref name="httpClient"/> follows redirects: <see langword="true"/> or
    /// <see langword="false"/> when its primary handler is a <see cref="SocketsHttpHandler"/> or
    /// <see cref="HttpClientHandler"/> (through any <see cref="DelegatingHandler"/>s), <see langword="null"/> when it
    /// cannot be told (a custom handler, or a runtime whose <see cref="HttpMessageInvoker"/> is laid out differently).
    /// </summary>
    public static bool? FollowsRedirects(HttpClient httpClient)
    {
        HttpMessageHandler? handler;
        try
        {
            // HttpClient does not expose its handler; an UnsafeAccessor reads it without reflection (trim- and AOT-safe).
            // A runtime that renamed the field throws MissingFieldException here, and the answer is "cannot tell".
            handler = HandlerOf(httpClient);
        }
        catch (MissingFieldException)
        {
            return null;
        }

        for (int depth = 0; handler is not null && depth < 64; depth++)
        {
            switch (handler)
            {
                case SocketsHttpHandler sockets:
                    return sockets.AllowAutoRedirect;
                case HttpClientHandler client:
                    return client.AllowAutoRedirect;
                case DelegatingHandler delegating:
                    handler = delegating.InnerHandler;
                    break;
                default:
                    return null;
            }
        }

        return null;
    }

    /// <summary>Turns redirects off on a primary handler this library can recognise; <see langword="false"/> if it could not (unknown type, or already in use).</summary>
    public static bool TryDisableRedirects(HttpMessageHandler handler)
    {
        try
        {
            switch (handler)
            {
                case SocketsHttpHandler { AllowAutoRedirect: true } sockets:
                    sockets.AllowAutoRedirect = false;
                    return true;
                case HttpClientHandler { AllowAutoRedirect: true } client:
                    client.AllowAutoRedirect = false;
                    return true;
                case SocketsHttpHandler or HttpClientHandler:
                    return true;
                default:
                    return false;
            }
        }
        catch (InvalidOperationException)
        {
            // The handler has already sent a request and can no longer be changed.
            return false;
        }
    }

    [UnsafeAccessor(UnsafeAccessorKind.Field, Name = "_handler")]
    private static extern ref HttpMessageHandler HandlerOf(HttpMessageInvoker invoker);
}
