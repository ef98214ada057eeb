using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace ClaudeStreaming.Benchmarks.Infrastructure;

/// <summary>
/// An <see cref="ActivityListener"/> that records every ClaudeStreaming span with all its data and a
/// <see cref="MeterListener"/> on every ClaudeStreaming instrument, as an OpenTelemetry SDK would attach them. The
/// callbacks only count and sum, so what is measured is the library's side of the cost, not an exporter's.
/// </summary>
public sealed class TelemetryListeners : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;
    private long _spans;
    private long _measurements;
    private long _chunks;
    private double _sum;

    public TelemetryListeners()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == ClaudeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _ => Interlocked.Increment(ref _spans),
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ClaudeTelemetry.SourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
        {
            _measurements++;
            _sum += value;
            if (instrument.Name == "gen_ai.client.operation.time_per_output_chunk")
            {
                _chunks++;
            }
        });
        _meters.SetMeasurementEventCallback<int>((_, value, _, _) =>
        {
            _measurements++;
            _sum += value;
        });
        _meters.Start();
    }

    /// <summary>Spans stopped so far.</summary>
    public long Spans => Interlocked.Read(ref _spans);

    /// <summary>Measurements recorded so far, on every instrument.</summary>
    public long Measurements => _measurements;

    /// <summary>Measurements of <c>gen_ai.client.operation.time_per_output_chunk</c> so far.</summary>
    public long Chunks => _chunks;

    /// <summary>The sum of every value (read, so the callbacks are not optimized away).</summary>
    public double Sum => _sum;

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
    }
}
