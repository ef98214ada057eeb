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
                    { Exception: HttpRequestException or TimeoutRejectedException } => true,
                    { Exception: not null } => false,
                    { Result: { } response } => !RetryRules.IsSuccess(response.StatusCode) && RetryRules.ShouldRetry(response),
                    _ => false,
                }),
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(RetryRules.Delay(args.AttemptNumber, args.Outcome.Result)),
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
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) =>
                {
                    (MessagesRequestSender self, MessageRequest body) = state;
                    using HttpRequestMessage message = self.CreateRequest(body);
                    CallTelemetry.Current?.RequestSent(); // telemetry
                    return await self._httpClient.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
                },
                (this, request),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw new ClaudeConnectionException(
                $"No response headers from {_settings.MessagesUri.Host} within {_settings.Timeout.TotalSeconds:0.###} s (after {_settings.MaxRetries + 1} attempt(s)).", ex)
            { IsTimeout = true };
        }
        catch (HttpRequestException ex)
        {
            throw new ClaudeConnectionException(
                $"Could not reach {_settings.MessagesUri.Host} (after {_settings.MaxRetries + 1} attempt(s)): {ErrorBody.Redact(ex.Message, _settings.Secret)}", ex);
        }
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
