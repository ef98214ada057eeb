namespace ClaudeStreaming.Samples.Tests.Infrastructure;

/// <summary>Holds a fake reply before each content delta until the test releases it (see <c>FakeReply.Gate</c>).</summary>
internal sealed class DeltaGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<int, TaskCompletionSource> _gates = [];
    private readonly Dictionary<int, TaskCompletionSource> _reached = [];

    /// <summary>Pass to <c>FakeReply.Gate</c>: waits until delta <paramref name="index"/> is released.</summary>
    public Task WaitAsync(int index, CancellationToken cancellationToken)
    {
        Get(_reached, index).TrySetResult();
        return Get(_gates, index).Task.WaitAsync(cancellationToken);
    }

    /// <summary>Lets the server send delta <paramref name="index"/>.</summary>
    public void Release(int index) => Get(_gates, index).TrySetResult();

    /// <summary>Lets the server send deltas <paramref name="from"/> to <paramref name="to"/>, inclusive.</summary>
    public void ReleaseRange(int from, int to)
    {
        for (int i = from; i <= to; i++)
        {
            Release(i);
        }
    }

    /// <summary>Completes when the server is about to send delta <paramref name="index"/>.</summary>
    public Task Reached(int index) => Get(_reached, index).Task;

    private TaskCompletionSource Get(Dictionary<int, TaskCompletionSource> map, int index)
    {
        lock (_lock)
        {
            if (!map.TryGetValue(index, out TaskCompletionSource? source))
            {
                source = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                map[index] = source;
            }

            return source;
        }
    }
}
