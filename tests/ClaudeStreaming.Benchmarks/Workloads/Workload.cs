namespace ClaudeStreaming.Benchmarks.Workloads;

/// <summary>One deterministic streamed reply: the exact SSE body bytes, how many events it holds and what it decodes to.</summary>
public sealed class Workload
{
    internal Workload(string name, SseBodyBuilder builder, StreamResult expected, string description)
    {
        Name = name;
        Body = builder.ToBody();
        Events = builder.Events;
        EventCount = builder.EventCount;
        DeltaCount = builder.DeltaCount;
        Expected = expected;
        Description = description;
    }

    public string Name { get; }

    /// <summary>The whole <c>text/event-stream</c> body as sent by the server.</summary>
    public byte[] Body { get; }

    /// <summary>The events of <see cref="Body"/> one by one.</summary>
    public IReadOnlyList<WireEvent> Events { get; }

    /// <summary>SSE events in <see cref="Body"/>, pings included.</summary>
    public int EventCount { get; }

    /// <summary>content_block_delta events in <see cref="Body"/>.</summary>
    public int DeltaCount { get; }

    public StreamResult Expected { get; }

    public string Description { get; }

    public override string ToString() => Name;
}
