using System.Runtime.CompilerServices;

namespace ClaudeStreaming;

/// <summary>The views over the pump: the text pieces and the typed events, each an enumerator that pauses when left.</summary>
public sealed partial class MessageStream
{
    private StreamEvent ToPublicEvent(in ParsedEvent e)
    {
        MessageAccumulator accumulator = _pump.Accumulator;
        return e.Kind switch
        {
            EventKind.TextDelta => new ContentBlockDeltaEvent(e.Index, new TextDelta(e.Text!)),
            EventKind.InputJsonDelta => new ContentBlockDeltaEvent(e.Index, new InputJsonDelta(e.DeltaText)),
            EventKind.ThinkingDelta => new ContentBlockDeltaEvent(e.Index, new ThinkingDelta(e.Text!)),
            EventKind.SignatureDelta => new ContentBlockDeltaEvent(e.Index, new SignatureDelta(e.Text!)),
            EventKind.OtherDelta => new ContentBlockDeltaEvent(e.Index, e.Delta!),
            EventKind.Ping => PingEvent.Instance,
            EventKind.MessageStart => new MessageStartEvent(accumulator.StartMessage),
            EventKind.BlockStart => new ContentBlockStartEvent(e.Index, e.Block!),
            EventKind.BlockStop => new ContentBlockStopEvent(e.Index, accumulator.BuildBlock(e.Index)),
            EventKind.MessageDelta => new MessageDeltaEvent(accumulator.StopReason, accumulator.StopSequence, accumulator.Usage),
            EventKind.MessageStop => new MessageStopEvent(accumulator.Snapshot()),
            _ => new UnknownStreamEvent(e.Text ?? "", e.Json),
        };
    }

    /// <summary>One enumeration of either view: holds the claim and the caller's token registration until disposed.</summary>
    private abstract class ViewEnumerator<T>(MessageStream owner, CancellationToken cancellationToken) : IAsyncEnumerator<T>
    {
        private CancellationTokenRegistration _registration = owner._pump.RegisterCaller(cancellationToken);
        private bool _disposed;

        protected MessageStream Owner { get; } = owner;

        protected CancellationToken Token { get; } = cancellationToken;

        public T Current { get; protected set; } = default!;

        public abstract ValueTask<bool> MoveNextAsync();

        public ValueTask DisposeAsync()
        {
            // Leaving the loop pauses: the stream stays where it stopped for a later enumeration or GetFinalMessageAsync.
            if (!_disposed)
            {
                _disposed = true;
                _registration.Dispose();
                Owner.ReleaseEnumeration();
            }

            return default;
        }
    }

    private sealed class EventEnumerator(MessageStream owner, CancellationToken cancellationToken) : ViewEnumerator<StreamEvent>(owner, cancellationToken)
    {
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<bool> MoveNextAsync()
        {
            StreamPump pump = Owner._pump;
            if (!await pump.ReadNextAsync(Token).ConfigureAwait(false))
            {
                return false;
            }

            Current = Owner.ToPublicEvent(pump.Current);
            return true;
        }
    }

    private sealed class TextEnumerator(MessageStream owner, CancellationToken cancellationToken) : ViewEnumerator<string>(owner, cancellationToken)
    {
        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        public override async ValueTask<bool> MoveNextAsync()
        {
            StreamPump pump = Owner._pump;
            while (await pump.ReadNextAsync(Token).ConfigureAwait(false))
            {
                ref readonly ParsedEvent e = ref pump.Current;
                if (e.Kind == EventKind.TextDelta && pump.CurrentApplied)
                {
                    Current = e.Text!;
                    return true;
                }

                // What is yielded is what is kept: text that arrives with its block's start is part of the final text.
                if (e.Kind == EventKind.BlockStart && e.Block is TextBlock { Text.Length: > 0 } start)
                {
                    Current = start.Text;
                    return true;
                }
            }

            return false;
        }
    }

    private sealed class TextEnumerable(MessageStream owner) : IAsyncEnumerable<string>
    {
        public IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default)
        {
            owner.ClaimEnumeration();
            return new TextEnumerator(owner, cancellationToken);
        }
    }
}
