using Microsoft.Extensions.Hosting;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>A host lifetime that hooks no signals: the process that embeds the fake keeps its own Ctrl+C and SIGTERM behaviour.</summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
