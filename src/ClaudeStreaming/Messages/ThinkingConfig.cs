namespace ClaudeStreaming;

/// <summary>Extended thinking settings: enabled with a token budget, adaptive, or disabled.</summary>
public sealed record ThinkingConfig
{
    /// <summary>The mode: <c>enabled</c>, <c>adaptive</c> or <c>disabled</c>.</summary>
    public required string Type { get; init; }

    /// <summary>The most tokens thinking may use (at least 1024 and less than <c>max_tokens</c>) when enabled.</summary>
    public int? BudgetTokens { get; init; }

    /// <summary><c>summarized</c> (the default) or <c>omitted</c> (only the signature is returned).</summary>
    public string? Display { get; init; }

    /// <summary>Thinking with a token budget.</summary>
    /// <param name="budgetTokens">The budget.</param>
    /// <returns>The settings.</returns>
    public static ThinkingConfig Enabled(int budgetTokens) => new() { Type = "enabled", BudgetTokens = budgetTokens };

    /// <summary>Thinking whose depth the model chooses.</summary>
    public static ThinkingConfig Adaptive { get; } = new() { Type = "adaptive" };

    /// <summary>No thinking.</summary>
    public static ThinkingConfig Disabled { get; } = new() { Type = "disabled" };
}
