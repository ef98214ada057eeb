namespace ClaudeStreaming.Testing;

/// <summary>
/// How strict and how realistic the fake Messages API is. Every check and every realistic default is on, as the real
/// API behaves; each can be switched off for a test that needs to send what the API would reject.
/// </summary>
/// <remarks>
/// Read on every request, so a test may change a property between requests; set them before a request is sent, not
/// while it is in flight. Requests rejected by a check are recorded but do not consume a queued reply.
/// </remarks>
public sealed class FakeMessagesOptions
{
    /// <summary>Gets or sets the API key the fake expects in <c>x-api-key</c> (or as <c>Authorization: Bearer</c>).</summary>
    /// <value>
    /// <see langword="null"/> (the default) accepts any non-empty key; otherwise a different key gets
    /// <c>401 authentication_error</c> "invalid x-api-key", as the API answers a wrong key.
    /// </value>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets a value indicating whether a request with neither <c>x-api-key</c> nor <c>Authorization</c> gets <c>401 authentication_error</c>.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool RequireApiKey { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a missing or unknown <c>anthropic-version</c> header gets <c>400 invalid_request_error</c>.</summary>
    /// <value>
    /// <see langword="true"/> by default. Versions are release dates: <c>2023-06-01</c>, <c>2023-01-01</c> and the
    /// newer dates current SDKs send pass; a malformed or future date (by <see cref="TimeProvider"/>) does not.
    /// </value>
    public bool RequireVersion { get; set; } = true;

    /// <summary>
    /// Gets or sets a value indicating whether a body that is not a JSON object, or lacks <c>model</c>,
    /// <c>max_tokens</c> or <c>messages</c>, gets <c>400 invalid_request_error</c>.
    /// </summary>
    /// <value><see langword="true"/> by default.</value>
    public bool ValidateBody { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether replies name the requested model (a script's explicit model always wins).</summary>
    /// <value><see langword="true"/> by default; when off, or the request names none, <see cref="FakeReply.DefaultModel"/>.</value>
    public bool EchoModel { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether a streamed reply sends a <c>ping</c> after its first <c>content_block_start</c>, as real streams do.</summary>
    /// <value><see langword="true"/> by default; a script with its own <see cref="FakeReply.Ping"/> gets no automatic one.</value>
    public bool AutoPing { get; set; } = true;

    /// <summary>Gets or sets a value indicating whether every <c>/v1/messages</c> response carries <c>anthropic-ratelimit-*</c> headers.</summary>
    /// <value><see langword="true"/> by default; a 429 reports 0 requests remaining.</value>
    public bool RateLimitHeaders { get; set; } = true;

    /// <summary>Gets or sets the clock behind the <c>anthropic-ratelimit-*-reset</c> timestamps.</summary>
    /// <value><see cref="TimeProvider.System"/> by default.</value>
    /// <exception cref="ArgumentNullException">The value is null.</exception>
    public TimeProvider TimeProvider
    {
        get;
        set => field = value ?? throw new ArgumentNullException(nameof(value));
    } = TimeProvider.System;
}
