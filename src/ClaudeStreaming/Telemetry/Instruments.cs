using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace ClaudeStreaming;

/// <summary>The one <see cref="ActivitySource"/> and <see cref="Meter"/> of the library, and its histograms (names, units and bucket advice from the GenAI conventions).</summary>
internal static class Instruments
{
    private static readonly string? Version =
        typeof(Instruments).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0];

    // The conventions' advice for durations (seconds) and token counts.
    private static readonly double[] SecondsBuckets = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
    private static readonly int[] TokenBuckets = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];

    public static ActivitySource Source { get; } = new(ClaudeTelemetry.SourceName, Version);

    public static Meter Meter { get; } = new(ClaudeTelemetry.SourceName, Version);

    public static Histogram<double> OperationDuration { get; } = Meter.CreateHistogram(
        "gen_ai.client.operation.duration", "s", "GenAI operation duration.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static Histogram<int> TokenUsage { get; } = Meter.CreateHistogram(
        "gen_ai.client.token.usage", "{token}", "Number of input and output tokens used.", tags: null, new InstrumentAdvice<int> { HistogramBucketBoundaries = TokenBuckets });

    public static Histogram<double> TimeToFirstChunk { get; } = Meter.CreateHistogram(
        "gen_ai.client.operation.time_to_first_chunk", "s", "Time to receive the first chunk of a streaming response.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    public static Histogram<double> TimePerOutputChunk { get; } = Meter.CreateHistogram(
        "gen_ai.client.operation.time_per_output_chunk", "s", "Time per output chunk after the first one.", tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    /// <summary>Whether anyone listens: the one check a call makes when nobody does.</summary>
    public static bool AnyEnabled =>
        Source.HasListeners() || OperationDuration.Enabled || TokenUsage.Enabled || TimeToFirstChunk.Enabled || TimePerOutputChunk.Enabled;
}
