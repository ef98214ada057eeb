using System.Diagnostics;

namespace ClaudeStreaming.Testing.Tests;

/// <summary>A process that starts a FakeMessagesServer still exits on Ctrl+C and SIGTERM (issue 9, item 8).</summary>
public sealed class HostLifetimeTests
{
    private const int SigInt = 2;
    private const int SigTerm = 15;

    [SkippableTheory]
    [InlineData(SigInt)]
    [InlineData(SigTerm)]
    public async Task FakeMessagesServer_InAConsoleApp_ProcessStillExitsOnSignal(int signal)
    {
        Skip.IfNot(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS(), "POSIX signals only.");
        ClaudeStreaming.Tests.Shared.DefaultSigInt.Restore();
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(HostLifetimeTests).Assembly.Location);
        start.ArgumentList.Add(Program.HostArgument);
        using Process child = Process.Start(start)!;
        var errors = new System.Text.StringBuilder();
        child.ErrorDataReceived += (_, e) =>
        {
            lock (errors)
            {
                errors.AppendLine(e.Data);
            }
        };
        child.BeginErrorReadLine();
        string Errors()
        {
            lock (errors)
            {
                return errors.ToString();
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            Task<string?> readLine = child.StandardOutput.ReadLineAsync(timeout.Token).AsTask();
            string? ready = await readLine.ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null, TaskScheduler.Default);
            Assert.True(ready?.StartsWith("ready http://127.0.0.1:", StringComparison.Ordinal), $"child said: {ready}; exited: {child.HasExited}; stderr: {Errors()}");

            await SendSignalAsync(child.Id, signal);

            // Generous for a loaded machine; a process that ignores the signal never exits at all.
            bool exited = await WaitForExitAsync(child, timeout.Token);
            Assert.True(exited, $"The child ignored signal {signal}: {Errors()}");
            Assert.NotEqual(0, child.ExitCode);
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<bool> WaitForExitAsync(Process child, CancellationToken cancellationToken)
    {
        try
        {
            await child.WaitForExitAsync(cancellationToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Sends the signal with the shell's <c>kill</c> (what a terminal's Ctrl+C or a container stop does to the process).</summary>
    private static async Task SendSignalAsync(int pid, int signal)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"kill -{signal} {pid}");
        using Process kill = Process.Start(start)!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }
}
