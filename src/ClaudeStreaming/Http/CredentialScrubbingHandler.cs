namespace ClaudeStreaming;

/// <summary>
/// Sits directly on the factory's primary handler, below every logging handler, and replaces any response header value
/// that contains the credential before anything above it (the factory's HTTP logging, the app's handlers) can see it.
/// </summary>
internal sealed class CredentialScrubbingHandler(HttpMessageHandler inner, string? secret) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        Redaction.ScrubHeaders(response, secret);
        return response;
    }
}
