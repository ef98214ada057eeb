using System.Diagnostics;
using System.Text;

namespace ClaudeStreaming.Samples.Tests.Infrastructure;

/// <summary>A sample running as a child process (<c>dotnet Sample.dll</c>) with its console redirected.</summary>
internal sealed class SampleProcess : IAsyncDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _error = new();
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _errorClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(Func<string, bool> Condition, TaskCompletionSource Seen)> _waiters = [];

    private SampleProcess(Process process) => _process = process;

    static SampleProcess()
    {
        ClaudeStreaming.Tests.Shared.DefaultSigInt.Restore();
    }

    public int Id => _process.Id;

    /// <summary>Everything written to standard output so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Everything written to standard error so far.</summary>
    public string Error
    {
        get
        {
            lock (_gate)
            {
                return _error.ToString();
            }
        }
    }

    public StreamWriter Input => _process.StandardInput;

    /// <summary>
    /// Starts <c>dotnet samples/{name}/bin/.../{name}.dll</c>. The child gets this process's environment without any
    /// ANTHROPIC_* variable, plus <paramref name="environment"/> (a null value removes a variable).
    /// </summary>
    public static SampleProcess Start(
        string name,
        IEnumerable<string>? arguments = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? SampleApp.ProjectDirectory(name),
        };
        startInfo.ArgumentList.Add(SampleApp.DllPath(name));
        foreach (string argument in arguments ?? [])
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (string key in startInfo.Environment.Keys.Where(k => k.StartsWith("ANTHROPIC_", StringComparison.Ordinal)).ToList())
        {
            startInfo.Environment.Remove(key);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var sample = new SampleProcess(process);
        process.Start();
        // Read characters, not lines: a streamed reply is visible before its line ends.
        _ = sample.PumpAsync(process.StandardOutput, sample._output, sample._outputClosed);
        _ = sample.PumpAsync(process.StandardError, sample._error, sample._errorClosed);
        return sample;
    }

    /// <summary>Waits until the output so far satisfies <paramref name="condition"/>.</summary>
    public async Task WaitForOutputAsync(Func<string, bool> condition, TimeSpan? timeout = null)
    {
        TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (condition(_output.ToString()))
            {
                return;
            }

            _waiters.Add((condition, seen));
        }

        Task finished = await Task.WhenAny(seen.Task, _process.WaitForExitAsync(), Task.Delay(timeout ?? DefaultTimeout));
        if (finished != seen.Task)
        {
            throw new TimeoutException(
                $"The sample's output never matched (exited: {_process.HasExited}).\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}");
        }
    }

    public Task WaitForOutputAsync(string text, TimeSpan? timeout = null) =>
        WaitForOutputAsync(output => output.Contains(text, StringComparison.Ordinal), timeout);

    /// <summary>Waits for the process to exit and for its output to be fully read; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancellation = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            await Task.WhenAll(_outputClosed.Task, _errorClosed.Task).WaitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The sample did not exit in time.\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public async Task InterruptAsync()
    {
        using Process kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        await kill.WaitForExitAsync();
    }

    public string Describe() => $"--- stdout ---\n{Output}\n--- stderr ---\n{Error}";

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private static string DotnetHost() =>
        // The SDK tells test hosts which dotnet launched them; fall back to the one on PATH.
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private async Task PumpAsync(StreamReader reader, StringBuilder target, TaskCompletionSource closed)
    {
        char[] buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                Append(target, buffer.AsSpan(0, read));
            }
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed.
        }
        finally
        {
            closed.TrySetResult();
        }
    }

    private void Append(StringBuilder target, ReadOnlySpan<char> chunk)
    {
        List<TaskCompletionSource> satisfied = [];
        lock (_gate)
        {
            target.Append(chunk);
            if (ReferenceEquals(target, _output))
            {
                string output = _output.ToString();
                _waiters.RemoveAll(w =>
                {
                    if (!w.Condition(output))
                    {
                        return false;
                    }

                    satisfied.Add(w.Seen);
                    return true;
                });
            }
        }

        foreach (TaskCompletionSource seen in satisfied)
        {
            seen.TrySetResult();
        }
    }
}
