using System.Text.Json;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>The checks the Messages API makes before it generates anything, in its order: credentials, version, body.</summary>
internal static class RequestChecks
{
    /// <summary>Returns the API's error reply for a request it would reject, or <see langword="null"/> when the request passes.</summary>
    public static FakeReply? Check(RecordedRequest request, FakeMessagesOptions options)
    {
        string? key = Header(request, "x-api-key");
        if (key is null && Header(request, "authorization") is { } authorization &&
            authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            key = authorization["Bearer ".Length..].Trim();
        }

        if (string.IsNullOrEmpty(key))
        {
            if (options.RequireApiKey || options.ApiKey is not null)
            {
                return Reject(401, "authentication_error", "x-api-key header is required");
            }
        }
        else if (options.ApiKey is not null && !string.Equals(options.ApiKey, key, StringComparison.Ordinal))
        {
            // Like the API, the message never echoes the key that was sent.
            return Reject(401, "authentication_error", "invalid x-api-key");
        }

        if (options.RequireVersion)
        {
            string? version = Header(request, "anthropic-version");
            if (string.IsNullOrEmpty(version))
            {
                return Reject(400, "invalid_request_error", "anthropic-version: header is required");
            }

            if (!IsKnownVersion(version, options.TimeProvider.GetUtcNow()))
            {
                return Reject(400, "invalid_request_error", $"anthropic-version: \"{version}\" is not a valid version");
            }
        }

        return options.ValidateBody ? CheckBody(request) : null;
    }

    /// <summary>
    /// The API's versions are release dates (2023-01-01, 2023-06-01, and the newer ones current SDKs send): any
    /// well-formed date from 2023-01-01 up to today passes; anything else, a future date included, does not.
    /// </summary>
    private static bool IsKnownVersion(string version, DateTimeOffset now) =>
        DateOnly.TryParseExact(version, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out DateOnly date)
        && date >= new DateOnly(2023, 1, 1)
        && date <= DateOnly.FromDateTime(now.UtcDateTime);

    private static FakeReply? CheckBody(RecordedRequest request)
    {
        JsonElement json = request.Json;
        if (json.ValueKind == JsonValueKind.Undefined)
        {
            return Reject(400, "invalid_request_error", "There was an error parsing the body of your request. Check that it is valid JSON.");
        }

        if (json.ValueKind != JsonValueKind.Object)
        {
            return Reject(400, "invalid_request_error", "Input should be an object");
        }

        if (!json.TryGetProperty("model", out JsonElement model))
        {
            return Reject(400, "invalid_request_error", "model: Field required");
        }

        if (model.ValueKind != JsonValueKind.String)
        {
            return Reject(400, "invalid_request_error", "model: Input should be a valid string");
        }

        if (!json.TryGetProperty("max_tokens", out JsonElement maxTokens))
        {
            return Reject(400, "invalid_request_error", "max_tokens: Field required");
        }

        if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt64(out long max))
        {
            return Reject(400, "invalid_request_error", "max_tokens: Input should be a valid integer");
        }

        if (max < 1)
        {
            return Reject(400, "invalid_request_error", "max_tokens: Input should be greater than or equal to 1");
        }

        if (!json.TryGetProperty("messages", out JsonElement messages))
        {
            return Reject(400, "invalid_request_error", "messages: Field required");
        }

        if (messages.ValueKind != JsonValueKind.Array)
        {
            return Reject(400, "invalid_request_error", "messages: Input should be a valid list");
        }

        return null;
    }

    private static string? Header(RecordedRequest request, string name) =>
        request.Headers.TryGetValue(name, out string? value) ? value : null;

    private static FakeReply Reject(int status, string errorType, string message) => FakeReply.HttpError(status, errorType, message);
}
