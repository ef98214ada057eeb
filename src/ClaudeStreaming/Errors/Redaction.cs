using System.Net.Http.Headers;

namespace ClaudeStreaming;

/// <summary>
/// Keeps the credential out of everything a person or a log might see. Whatever the server sends (an error type, a
/// message, a request id, a header, an excerpt of a malformed event, an exception's text) passes through here before it
/// reaches an exception, and is cut to length only afterwards, so a key across the cut cannot leak its first half.
/// </summary>
internal static class Redaction
{
    public const string Marker = "[redacted]";

    /// <summary>Replaces every occurrence of <paramref name="secret"/> in <paramref name="text"/>, in any letter case (a host name or a header may have been lower-cased on the way).</summary>
    public static string Text(string text, string? secret) =>
        string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(text) ? text : text.Replace(secret, Marker, StringComparison.OrdinalIgnoreCase);

    /// <summary>Redacts, then truncates to <paramref name="maxLength"/> characters (an ellipsis marks the cut).</summary>
    public static string Bounded(string text, string? secret, int maxLength)
    {
        string redacted = Text(text, secret);
        return redacted.Length <= maxLength ? redacted : string.Concat(redacted.AsSpan(0, maxLength), "…");
    }

    /// <summary>Redacts and bounds an optional value; <see langword="null"/> stays <see langword="null"/>.</summary>
    public static string? BoundedOrNull(string? text, string? secret, int maxLength) =>
        text is null ? null : Bounded(text, secret, maxLength);

    /// <summary>
    /// Returns <paramref name="exception"/> itself when no message in its chain contains the secret, else an
    /// equivalent chain with the secret redacted: the same type where it can be rebuilt (<see cref="HttpRequestException"/>,
    /// <see cref="IOException"/>, <see cref="InvalidDataException"/>, <see cref="TimeoutException"/>), otherwise a
    /// stand-in that names the original type. The raw exception is dropped, so the key is not reachable through it.
    /// </summary>
    public static Exception? Exception(Exception? exception, string? secret)
    {
        if (exception is null || string.IsNullOrEmpty(secret) || !ChainContains(exception, secret))
        {
            return exception;
        }

        Exception? inner = Exception(exception.InnerException, secret);
        string message = Text(exception.Message, secret);
        return exception switch
        {
            HttpRequestException http => new HttpRequestException(http.HttpRequestError, message, inner, http.StatusCode),
            InvalidDataException => new InvalidDataException(message, inner),
            IOException => new IOException(message, inner),
            TimeoutException => new TimeoutException(message, inner),
            _ => new RedactedException($"{exception.GetType().FullName}: {message}", inner),
        };
    }

    /// <summary>The first value of a response header, redacted and bounded, or <see langword="null"/>.</summary>
    public static string? Header(HttpResponseHeaders headers, string name, string? secret, int maxLength) =>
        headers.TryGetValues(name, out IEnumerable<string>? values) ? BoundedOrNull(values.FirstOrDefault(), secret, maxLength) : null;

    /// <summary>Replaces, in place, every response header value that contains the secret, so that neither the app nor a log sees it.</summary>
    public static void ScrubHeaders(HttpResponseMessage response, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return;
        }

        Scrub(response.Headers, secret);
        if (response.Content is { } content)
        {
            Scrub(content.Headers, secret);
        }

        static void Scrub(HttpHeaders headers, string secret)
        {
            List<(string Name, string[] Values)>? dirty = null;
            foreach (KeyValuePair<string, HeaderStringValues> header in headers.NonValidated)
            {
                foreach (string value in header.Value)
                {
                    if (value.Contains(secret, StringComparison.OrdinalIgnoreCase))
                    {
                        (dirty ??= []).Add((header.Key, header.Value.Select(v => Text(v, secret)).ToArray()));
                        break;
                    }
                }
            }

            if (dirty is null)
            {
                return;
            }

            foreach ((string name, string[] values) in dirty)
            {
                headers.Remove(name);
                headers.TryAddWithoutValidation(name, values);
            }
        }
    }

    private static bool ChainContains(Exception exception, string secret)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            if (e.Message.Contains(secret, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stands in for an exception whose message held the secret and whose type cannot be rebuilt.</summary>
    private sealed class RedactedException(string message, Exception? innerException) : System.Exception(message, innerException);
}
