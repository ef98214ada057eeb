using System.Diagnostics;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Compat.Tests;

/// <summary>
/// The official TypeScript SDK, pinned in <c>tests/compat-node/package-lock.json</c> and installed with <c>npm ci</c>
/// once per test run. Without node/npm the tests skip locally and fail in CI (<c>CI=true</c>).
/// </summary>
internal static class NodeSdk
{
    private static readonly Lazy<Task<string?>> Installed = new(InstallAsync);

    /// <summary>The folder with <c>compat.mjs</c> and its installed SDK; skips (or fails in CI) when node/npm is missing.</summary>
    public static async Task<string> RequireAsync()
    {
        string? problem = await Installed.Value;
        if (problem is null)
        {
            return Folder;
        }

        if (IsCi)
        {
            Assert.Fail($"CI needs node and npm for the TypeScript SDK compatibility tests: {problem}");
        }

        throw new SkipException($"TypeScript SDK compatibility tests skipped: {problem}");
    }

    public static async Task<Outcome> RunAsync(Uri baseAddress, bool stream, int maxRetries, string apiKey, string model)
    {
        string folder = await RequireAsync();
        (int exitCode, string output, string error) = await RunProcessAsync(
            "node",
            folder,
            ["compat.mjs", baseAddress.ToString().TrimEnd('/'), stream ? "stream" : "create", maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture), apiKey, model]);
        Assert.True(exitCode == 0, $"node exited with {exitCode}: {error}");
        string line = output.Trim().Split('\n')[^1];
        return JsonSerializer.Deserialize<Outcome>(line) ?? throw new InvalidOperationException($"node printed: {output}");
    }

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static string Folder { get; } = Path.Combine(RepositoryRoot(), "tests", "compat-node");

    private static async Task<string?> InstallAsync()
    {
        foreach (string tool in new[] { "node", "npm" })
        {
            try
            {
                (int code, _, string error) = await RunProcessAsync(tool, Folder, ["--version"]);
                if (code != 0)
                {
                    return $"'{tool} --version' failed: {error}";
                }
            }
            catch (System.ComponentModel.Win32Exception ex)
            {
                return $"{tool} is not installed ({ex.Message})";
            }
        }

        // npm ci installs exactly the lockfile's versions from the npm registry.
        (int exitCode, string output, string stderr) = await RunProcessAsync("npm", Folder, ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
        return exitCode == 0 ? null : $"npm ci failed ({exitCode}): {output} {stderr}";
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(string fileName, string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in 3 minutes.");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClaudeStreaming.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("ClaudeStreaming.sln not found above " + AppContext.BaseDirectory);
    }
}
