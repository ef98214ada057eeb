namespace ClaudeStreaming;

/// <summary>The API's error type, such as <c>rate_limit_error</c>. An open set: types added later are kept as they are.</summary>
public readonly struct ApiErrorType : IEquatable<ApiErrorType>
{
    /// <summary>Creates an error type from its wire value.</summary>
    /// <param name="value">The wire value.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public ApiErrorType(string value) => Value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>400: the request's format or content is invalid.</summary>
    public static ApiErrorType InvalidRequest { get; } = new("invalid_request_error");

    /// <summary>401: the API key is missing or wrong.</summary>
    public static ApiErrorType Authentication { get; } = new("authentication_error");

    /// <summary>402: a billing or payment problem.</summary>
    public static ApiErrorType Billing { get; } = new("billing_error");

    /// <summary>403: the key lacks permission.</summary>
    public static ApiErrorType Permission { get; } = new("permission_error");

    /// <summary>404: the resource was not found.</summary>
    public static ApiErrorType NotFound { get; } = new("not_found_error");

    /// <summary>413: the request is too large.</summary>
    public static ApiErrorType RequestTooLarge { get; } = new("request_too_large");

    /// <summary>429: a rate limit was hit.</summary>
    public static ApiErrorType RateLimit { get; } = new("rate_limit_error");

    /// <summary>500: an internal error.</summary>
    public static ApiErrorType Api { get; } = new("api_error");

    /// <summary>504: processing timed out.</summary>
    public static ApiErrorType Timeout { get; } = new("timeout_error");

    /// <summary>529: the API is overloaded.</summary>
    public static ApiErrorType Overloaded { get; } = new("overloaded_error");

    /// <summary>The wire value; empty when the response named no type.</summary>
    public string Value => field ?? "";

    /// <inheritdoc/>
    public bool Equals(ApiErrorType other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is ApiErrorType other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <summary>Returns the wire value.</summary>
    /// <returns>The wire value.</returns>
    public override string ToString() => Value;

    /// <summary>Compares two error types by wire value.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the wire values are equal.</returns>
    public static bool operator ==(ApiErrorType left, ApiErrorType right) => left.Equals(right);

    /// <summary>Compares two error types by wire value.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> when the wire values differ.</returns>
    public static bool operator !=(ApiErrorType left, ApiErrorType right) => !left.Equals(right);
}
