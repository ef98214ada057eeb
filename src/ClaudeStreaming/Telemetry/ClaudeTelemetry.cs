namespace ClaudeStreaming;

/// <summary>The name under which the client reports its traces, metrics and logs.</summary>
/// <remarks>
/// Turn them on with OpenTelemetry: <c>.WithTracing(t =&gt; t.AddSource(ClaudeTelemetry.SourceName))</c> and
/// <c>.WithMetrics(m =&gt; m.AddMeter(ClaudeTelemetry.SourceName))</c>; logs go to <see cref="ClaudeClientOptions.LoggerFactory"/>
/// under the same category name. See <c>docs/observability.md</c> for every attribute, metric and log event.
/// </remarks>
public static class ClaudeTelemetry
{
    /// <summary>The name of the client's <see cref="System.Diagnostics.ActivitySource"/>, of its <see cref="System.Diagnostics.Metrics.Meter"/> and of its log category.</summary>
    /// <value><c>ClaudeStreaming</c>.</value>
    public const string SourceName = "ClaudeStreaming";
}
