namespace ClaudeStreaming;

/// <summary>A prompt-cache breakpoint: the prefix up to this point may be cached.</summary>
public sealed record CacheControl
{
    /// <summary>An ephemeral breakpoint with the default time to live (five minutes).</summary>
    public static CacheControl Ephemeral { get; } = new();

    /// <summary>The cache type. Always <c>ephemeral</c> today.</summary>
    public string Type { get; init; } = "ephemeral";

    /// <summary>The time to live, <c>5m</c> or <c>1h</c>; <see langword="null"/> for the default.</summary>
    public string? Ttl { get; init; }
}
