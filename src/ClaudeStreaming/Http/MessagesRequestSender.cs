using System.Net.Http.Headers;
using System.Net.Http.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace ClaudeStreaming;

/// <summary>
/// Sends <c>POST v1/messages</c> and returns the response as soon as its headers arrive, retrying (Polly) only
/// before that point. Each attempt builds a fresh request; the credential goes on the request, never on the shared
/// <see cref="HttpClient"/>.
/// </summary>
internal sealed class MessagesRequestSender
{
    private static readonly MediaTypeWithQualityHeaderValue EventStream = new("text/event-stream");

    private readonly HttpClient _httpClient;
    private readonly ClientSettings _settings;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    public MessagesRequestSender(HttpClient httpClient, ClientSettings settings)
    {
        if (RedirectGuard.FollowsRedirects(httpClient) == true)
        {
            throw new ArgumentException(
                "The HttpClient's handler follows redirects, which would carry the API key to any host a redirect names (.NET strips only Authorization, not x-api-key). " +
                "Create it with new SocketsHttpHandler { AllowAutoRedirect = false }, or use the ClaudeClient constructor without an HttpClient, or AddClaudeClient.",
                nameof(httpClient));
        }

        _httpClient = httpClient;
        _settings = settings;
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = settings.TimeProvider };
        if (settings.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome switch
                {
                    { Exception: HttpRequestException or TimeoutRejectedException or HttpClientTimeoutException } => true,
                    { Exception: not null } => false,
                    { Result: { } response } => !RetryRules.IsSuccess(response.StatusCode) && RetryRules.ShouldRetry(response),
                    _ => false,
                }),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(RetryRules.Delay(args.AttemptNumber, args.Outcome.Result, settings.TimeProvider)),
                OnRetry = CallTelemetry.OnRetry, // telemetry
            });
        }

        if (settings.Timeout != Timeout.InfiniteTimeSpan)
        {
            builder.AddTimeout(settings.Timeout);
        }

        _pipeline = builder.Build();
    }

    public async Task<HttpResponseMessage> SendAsync(MessageRequest request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    (MessagesRequestSender self, MessageRequest body) = state;
                    using HttpRequestMessage message = self.CreateRequest(body);
                    CallTelemetry.Current?.RequestSent(); // telemetry
                    HttpResponseMessage response;
                    try
                    {
                        response = await self._httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException ex) when (!token.IsCancellationRequested && ex.InnerException is TimeoutException)
                    {
                        // No token of ours was canceled: the supplied HttpClient's own Timeout fired.
                        throw new HttpClientTimeoutException(self._httpClient.Timeout, ex);
                    }

                    // Before anything (a log, the app through MessageStream.ResponseHeaders, an exception) sees the headers.
                    Redaction.ScrubHeaders(response, self._settings.Secret);
                    return response;
                },
                (this, request),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new ClaudeConnectionException(
                $"No response headers from {_settings.MessagesUri.Authority} within {_settings.Timeout.TotalSeconds:0.###} s (after {_settings.MaxRetries + 1} attempt(s)).", ex)
            { IsTimeout = true };
        }
        catch (HttpClientTimeoutException ex)
        {
            throw new ClaudeConnectionException(
                $"No response headers from {_settings.MessagesUri.Authority} within the HttpClient's Timeout of {ex.Timeout.TotalSeconds:0.###} s (after {_settings.MaxRetries + 1} attempt(s)).",
                Redaction.Exception(ex.InnerException, _settings.Secret))
            { IsTimeout = true };
        }
        catch (HttpRequestException ex)
        {
            // The message may quote the server (an invalid header line echoing the key): redact it, and keep only a sanitized inner exception.
            throw new ClaudeConnectionException(
                $"Could not reach {_settings.MessagesUri.Authority} (after {_settings.MaxRetries + 1} attempt(s)): {Redaction.Bounded(ex.Message, _settings.Secret, ErrorBody.MaxRawLength)}",
                Redaction.Exception(ex, _settings.Secret));
        }

        // A handler this library could not inspect followed a redirect: the key may have gone with it, but at least
        // the reply of another host is not taken for Claude's.
        if (response.RequestMessage?.RequestUri is { } final && final != _settings.MessagesUri)
        {
            string host = Redaction.Bounded(final.Authority, _settings.Secret, ErrorBody.MaxTypeLength);
            response.Dispose();
            throw new ClaudeConnectionException(
                $"The HttpClient followed a redirect to {host}, which may have received the API key; the Messages API never redirects. Create the HttpClient's handler with AllowAutoRedirect = false, check BaseAddress, and rotate the key if that host is not yours.");
        }

        return response;
    }

    private HttpRequestMessage CreateRequest(MessageRequest body)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, _settings.MessagesUri)
        {
            Content = JsonContent.Create(body, JsonDefaults.Context.MessageRequest),
        };

        HttpRequestHeaders headers = message.Headers;
        if (_settings.ApiKey is { } key)
        {
            headers.TryAddWithoutValidation("x-api-key", key);
        }
        else if (_settings.AuthToken is { } token)
        {
            headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        headers.TryAddWithoutValidation("anthropic-version", _settings.AnthropicVersion);
        if (_settings.Beta is { } beta)
        {
            headers.TryAddWithoutValidation("anthropic-beta", beta);
        }

        headers.Accept.Add(EventStream);
        headers.TryAddWithoutValidation("User-Agent", ClientSettings.UserAgent);
        return message;
    }
}
