using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Telemetry tests run alone: their listeners would otherwise observe (and switch on) every other test's calls.</summary>
[CollectionDefinition(nameof(TelemetryCollection), DisableParallelization = true)]
public sealed class TelemetryCollection;

/// <summary>A measurement seen by the <see cref="MeterListener"/>.</summary>
internal sealed record Measured(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Listens to the ClaudeStreaming source and meter, and captures the logs of a client built with <see cref="LoggerFactory"/>.
/// Each capture has its own model name and keeps only the spans and measurements of that model, so captures never mix.
/// </summary>
internal sealed class TelemetryCapture : IDisposable
{
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters;

    public TelemetryCapture(bool listen = true)
    {
        Model = "claude-obs-" + Guid.NewGuid().ToString("N")[..8];
        Logs = new FakeLogCollector();
        LoggerFactory = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(Logs)));
        _activities = new ActivityListener
        {
            ShouldListenTo = source => listen && source.Name == ClaudeTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = a => { if (Mine(a)) { Started.Enqueue(a); } },
            ActivityStopped = a => { if (Mine(a)) { Stopped.Enqueue(a); } },
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (listen && instrument.Meter.Name == ClaudeTelemetry.SourceName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _meters.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _meters.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _meters.Start();
    }

    public string Model { get; }

    public ConcurrentQueue<Activity> Started { get; } = new();

    public ConcurrentQueue<Activity> Stopped { get; } = new();

    public ConcurrentQueue<Measured> Measurements { get; } = new();

    public FakeLogCollector Logs { get; }

    public ILoggerFactory LoggerFactory { get; }

    public MessageRequest Request(string prompt = "Hello") => new()
    {
        Model = Model,
        MaxTokens = 256,
        Messages = [MessageParam.User(prompt)],
    };

    public IReadOnlyList<Measured> Of(string instrument) => [.. Measurements.Where(m => m.Instrument == instrument)];

    public IReadOnlyList<FakeLogRecord> LogsWithId(int id) => [.. Logs.GetSnapshot().Where(r => r.Id.Id == id)];

    /// <summary>Every string a span, a measurement or a log line exposes, for the no-content checks.</summary>
    public IEnumerable<string> AllText()
    {
        foreach (Activity a in Stopped.Concat(Started))
        {
            yield return a.DisplayName;
            yield return a.StatusDescription ?? "";
            foreach (KeyValuePair<string, object?> tag in a.TagObjects)
            {
                yield return tag.Key + "=" + Format(tag.Value);
            }

            foreach (ActivityEvent e in a.Events)
            {
                yield return e.Name;
                foreach (KeyValuePair<string, object?> tag in e.Tags)
                {
                    yield return tag.Key + "=" + Format(tag.Value);
                }
            }
        }

        foreach (Measured m in Measurements)
        {
            foreach (KeyValuePair<string, object?> tag in m.Tags)
            {
                yield return tag.Key + "=" + Format(tag.Value);
            }
        }

        foreach (FakeLogRecord r in Logs.GetSnapshot())
        {
            yield return r.Message;
            yield return r.Exception?.ToString() ?? "";
            foreach (KeyValuePair<string, string?> pair in r.StructuredState ?? [])
            {
                yield return pair.Key + "=" + pair.Value;
            }
        }
    }

    /// <summary>The span as an exporter would print it.</summary>
    public static string Describe(Activity a)
    {
        var text = new StringBuilder();
        text.Append(a.DisplayName).Append(" (").Append(a.Kind).Append(", ").Append(a.Status);
        if (a.StatusDescription is { } description)
        {
            text.Append(": ").Append(description);
        }

        text.AppendLine(")");
        foreach (KeyValuePair<string, object?> tag in a.TagObjects)
        {
            text.Append("  ").Append(tag.Key).Append(" = ").AppendLine(Format(tag.Value));
        }

        foreach (ActivityEvent e in a.Events)
        {
            text.Append("  event ").Append(e.Name).Append(": ").AppendLine(string.Join(", ", e.Tags.Select(t => $"{t.Key} = {Format(t.Value)}")));
        }

        return text.ToString();
    }

    public static string Format(object? value) => value switch
    {
        string[] values => "[" + string.Join(", ", values.Select(v => $"\"{v}\"")) + "]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "null",
    };

    public void Dispose()
    {
        _activities.Dispose();
        _meters.Dispose();
        LoggerFactory.Dispose();
    }

    private bool Mine(Activity a) => a.GetTagItem("gen_ai.request.model") as string == Model;

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var copy = new Dictionary<string, object?>();
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        if (copy.TryGetValue("gen_ai.request.model", out object? model) && model as string == Model)
        {
            Measurements.Enqueue(new Measured(instrument.Name, value, copy));
        }
    }
}
