namespace ClaudeStreaming;

/// <summary>Settings of a <see cref="ToolRun"/>.</summary>
public sealed class ToolRunOptions
{
    /// <summary>The default of <see cref="MaxTurns"/>.</summary>
    public const int DefaultMaxTurns = 20;

    /// <summary>The most model turns (requests) one run sends; a run that reaches it ends with <see cref="ToolRun.ReachedMaxTurns"/> set.</summary>
    /// <value>20 (<see cref="DefaultMaxTurns"/>).</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxTurns
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            field = value;
        }
    } = DefaultMaxTurns;
}
