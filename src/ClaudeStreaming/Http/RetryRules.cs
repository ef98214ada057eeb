using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace ClaudeStreaming;

/// <summary>When to retry and how long to wait, as the official Python and TypeScript SDKs do: 408, 409, 429 and 5xx, <c>x-should-retry</c> first, then 0.5 s doubling to 8 s with up to 25% jitter.</summary>
internal static class RetryRules
{
    private static readonly TimeSpan InitialDelay = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan MaxServerDelay = TimeSpan.FromSeconds(60);

    public static bool ShouldRetry(HttpResponseMessage response)
    {
        // A redirect is refused, never retried: the same request would earn the same redirect.
        if (IsRedirect(response.StatusCode))
        {
            return false;
        }

        // The x-should-retry header wins when present, whatever the status.
        if (response.Headers.TryGetValues("x-should-retry", out IEnumerable<string>? values) &&
            bool.TryParse(values.FirstOrDefault(), out bool shouldRetry))
        {
            return shouldRetry;
        }

        int status = (int)response.StatusCode;
        return status is 408 or 409 or 429 || status >= 500;
    }

    /// <summary>The delay before retry number <paramref name="retriesDone"/> + 1: the server's, if it gave a sane one, else exponential with jitter.</summary>
    public static TimeSpan Delay(int retriesDone, HttpResponseMessage? response, TimeProvider timeProvider)
    {
        if (response is not null && ServerDelay(response.Headers, timeProvider) is { } server)
        {
            return server;
        }

        double seconds = Math.Min(InitialDelay.TotalSeconds * Math.Pow(2, Math.Min(retriesDone, 1000)), MaxDelay.TotalSeconds);
#pragma warning disable CA5394 // jitter needs no cryptographic randomness
        double jitter = 1 - (0.25 * Random.Shared.NextDouble());
#pragma warning restore CA5394
        return TimeSpan.FromSeconds(seconds * jitter);
    }

    /// <summary>
    /// Reads <c>retry-after-ms</c> (non-standard, checked first) or <c>retry-after</c> (seconds or an HTTP date), and
    /// returns it only when it is a finite delay in (0, 60] seconds; anything else (NaN, Infinity, 1e300, negative, zero,
    /// a date in the past or far ahead, garbage) is ignored, as the official SDKs do, so the default backoff applies.
    /// A hostile or broken server can neither stop the retries with a value that does not convert nor park them for hours.
    /// </summary>
    public static TimeSpan? ServerDelay(HttpResponseHeaders headers, TimeProvider timeProvider)
    {
        if (headers.TryGetValues("retry-after-ms", out IEnumerable<string>? ms) &&
            double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out double milliseconds) &&
            Sane(milliseconds / 1000) is { } fromMs)
        {
            return fromMs;
        }

        if (headers.TryGetValues("retry-after", out IEnumerable<string>? after))
        {
            string? value = after.FirstOrDefault();
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
            {
                return Sane(seconds);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset date))
            {
                return Sane((date - timeProvider.GetUtcNow()).TotalSeconds);
            }
        }

        return null;
    }

    private static TimeSpan? Sane(double seconds) =>
        double.IsFinite(seconds) && seconds > 0 && seconds <= MaxServerDelay.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null;

    public static bool IsSuccess(HttpStatusCode status) => (int)status is >= 200 and < 300;

    public static bool IsRedirect(HttpStatusCode status) => (int)status is >= 300 and < 400;
}
