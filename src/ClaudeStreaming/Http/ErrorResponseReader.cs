using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace ClaudeStreaming;

/// <summary>
/// Turns a non-success response into the exception to throw. Every wait is bounded: the body is read for at most
/// <see cref="ClaudeClientOptions.Timeout"/> in all and <see cref="ClaudeClientOptions.StreamIdleTimeout"/> between two
/// reads, and at most <see cref="MaxBytes"/> of it, since an error page from a proxy can be large, slow, or endless, and
/// only its start is useful.
/// </summary>
internal static class ErrorResponseReader
{
    public const int MaxBytes = 64 * 1024;

    public static async Task<ClaudeException> ReadAsync(HttpResponseMessage response, ClientSettings settings, CancellationToken cancellationToken)
    {
        if (RetryRules.IsRedirect(response.StatusCode))
        {
            return Redirect(response, settings);
        }

        byte[] buffer = new byte[MaxBytes];
        int read = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using ITimer overall = settings.TimeProvider.CreateTimer(Cancel, deadline, settings.Timeout, Timeout.InfiniteTimeSpan);
        using ITimer idle = settings.TimeProvider.CreateTimer(Cancel, deadline, settings.StreamIdleTimeout, Timeout.InfiniteTimeSpan);
        try
        {
            Stream stream = await response.Content.ReadAsStreamAsync(deadline.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                int n;
                while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), deadline.Token).ConfigureAwait(false)) > 0)
                {
                    read += n;
                    idle.Change(settings.StreamIdleTimeout, Timeout.InfiniteTimeSpan);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Our deadline, not the caller: report what arrived, and say that it is not all.
            string note = string.Create(CultureInfo.InvariantCulture, $"(error body incomplete: {read} bytes read before the time limit)");
            return ErrorMapping.FromHttpResponse(response, Decode(buffer, read), settings.Secret, settings.TimeProvider, note);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or InvalidDataException or InvalidOperationException)
        {
            // InvalidDataException: corrupt gzip or deflate; InvalidOperationException: corrupt brotli; the others: the connection.
            string? requestId = ErrorMapping.RequestId(response, settings.Secret);
            string id = requestId is null ? "" : $" (request-id {requestId})";
            return new ClaudeConnectionException(
                $"The {(int)response.StatusCode} error response from {settings.MessagesUri.Authority} could not be read: {Redaction.Bounded(ex.Message, settings.Secret, ErrorBody.MaxRawLength)}{id}",
                Redaction.Exception(ex, settings.Secret))
            { RequestId = requestId };
        }

        return ErrorMapping.FromHttpResponse(response, Decode(buffer, read), settings.Secret, settings.TimeProvider);
    }

    private static ClaudeApiException Redirect(HttpResponseMessage response, ClientSettings settings)
    {
        string target = LocationAuthority(response, settings) is { } authority
            ? Redaction.Bounded(authority, settings.Secret, ErrorBody.MaxTypeLength)
            : "(no Location header)";
        var body = new ErrorBody(
            default,
            $"Redirect to {target} refused: the Messages API never redirects, and following one could send the API key to another host. Check BaseAddress.",
            null);
        return ErrorMapping.Create(response.StatusCode, body, ErrorMapping.RequestId(response, settings.Secret), isStreamError: false, retryAfter: null, partial: null);
    }

    /// <summary>
    /// The host (and port) a redirect names. Read from the raw header: one that echoed the key has been scrubbed to
    /// <c>[redacted]</c> and no longer parses as a URI, yet its host should still be named.
    /// </summary>
    private static string? LocationAuthority(HttpResponseMessage response, ClientSettings settings)
    {
        if (!response.Headers.NonValidated.TryGetValues("Location", out HeaderStringValues values) || values.Count == 0)
        {
            return null;
        }

        string raw = values.First().Trim();
        if (Uri.TryCreate(raw, UriKind.Absolute, out Uri? absolute))
        {
            return absolute.Authority;
        }

        int scheme = raw.IndexOf("://", StringComparison.Ordinal);
        if (scheme < 0)
        {
            // A relative Location stays on the same host.
            return settings.MessagesUri.Authority;
        }

        string rest = raw[(scheme + 3)..];
        int end = rest.IndexOfAny(['/', '?', '#']);
        return end < 0 ? rest : rest[..end];
    }

    private static string Decode(byte[] buffer, int count) => Encoding.UTF8.GetString(buffer, 0, count);

    private static void Cancel(object? state)
    {
        try
        {
            ((CancellationTokenSource)state!).Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The read finished as the timer fired.
        }
    }
}
