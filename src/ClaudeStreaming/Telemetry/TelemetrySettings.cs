using Microsoft.Extensions.Logging;

namespace ClaudeStreaming;

/// <summary>What a client's calls need for telemetry, resolved once when the client is built.</summary>
internal sealed class TelemetrySettings
{
    public TelemetrySettings(ClaudeClientOptions options, Uri messagesUri, TimeProvider timeProvider)
    {
        Logger = options.LoggerFactory?.CreateLogger(ClaudeTelemetry.SourceName);
        RecordContent = options.EnableSensitiveTelemetryData;
        ServerAddress = messagesUri.Host;
        ServerPort = messagesUri.Port;
        TimeProvider = timeProvider;
    }

    public ILogger? Logger { get; }

    public bool RecordContent { get; }

    public string ServerAddress { get; }

    public int ServerPort { get; }

    public TimeProvider TimeProvider { get; }
}
