using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ClaudeStreaming;

/// <summary>
/// Binds <see cref="ClaudeClientOptions"/> from configuration by hand: nine known keys need no reflection, so the
/// binding is trim- and AOT-safe without the binder's source generator.
/// </summary>
internal static class ClaudeClientOptionsBinder
{
    public static void Bind(IConfiguration section, ClaudeClientOptions options)
    {
        if (section[nameof(ClaudeClientOptions.ApiKey)] is { } apiKey)
        {
            options.ApiKey = apiKey;
        }

        if (section[nameof(ClaudeClientOptions.AuthToken)] is { } token)
        {
            options.AuthToken = token;
        }

        if (section[nameof(ClaudeClientOptions.BaseAddress)] is { Length: > 0 } address)
        {
            // A relative or unusable address is reported by validation, with the rules, rather than here.
            options.BaseAddress = Uri.TryCreate(address, UriKind.RelativeOrAbsolute, out Uri? uri)
                ? uri
                : throw Invalid(section, nameof(ClaudeClientOptions.BaseAddress), "a URI");
        }

        if (section[nameof(ClaudeClientOptions.AnthropicVersion)] is { } version)
        {
            options.AnthropicVersion = version;
        }

        IConfigurationSection betas = section.GetSection(nameof(ClaudeClientOptions.Betas));
        List<string> names = betas.Value is { } list
            ? [.. list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)]
            : [.. betas.GetChildren().Select(c => c.Value).OfType<string>()];
        if (names.Count > 0)
        {
            options.Betas.Clear();
            foreach (string name in names)
            {
                options.Betas.Add(name);
            }
        }

        if (section[nameof(ClaudeClientOptions.MaxRetries)] is { } retries)
        {
            options.MaxRetries = int.TryParse(retries, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value)
                ? value
                : throw Invalid(section, nameof(ClaudeClientOptions.MaxRetries), "an integer");
        }

        if (section[nameof(ClaudeClientOptions.Timeout)] is { } timeout)
        {
            options.Timeout = ParseTimeSpan(section, nameof(ClaudeClientOptions.Timeout), timeout);
        }

        if (section[nameof(ClaudeClientOptions.StreamIdleTimeout)] is { } idle)
        {
            options.StreamIdleTimeout = ParseTimeSpan(section, nameof(ClaudeClientOptions.StreamIdleTimeout), idle);
        }
    }

    /// <summary>A <see cref="TimeSpan"/> in the invariant format (<c>00:00:30</c>), or <c>Infinite</c>.</summary>
    private static TimeSpan ParseTimeSpan(IConfiguration section, string key, string value) =>
        value.Equals("Infinite", StringComparison.OrdinalIgnoreCase)
            ? System.Threading.Timeout.InfiniteTimeSpan
            : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out TimeSpan span)
                ? span
                : throw Invalid(section, key, "a time span such as 00:00:30, or Infinite");

    private static InvalidOperationException Invalid(IConfiguration section, string key, string expected)
    {
        string path = section is IConfigurationSection s ? $"{s.Path}:{key}" : key;
        return new InvalidOperationException($"The configuration value at '{path}' is not {expected} (the value is not shown).");
    }
}
