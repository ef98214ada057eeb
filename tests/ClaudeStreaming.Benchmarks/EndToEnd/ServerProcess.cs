using System.Diagnostics;
using System.Reflection;

namespace ClaudeStreaming.Benchmarks.EndToEnd;

/// <summary>Starts this same program with <c>--e2e-server</c> as a child process and talks to its control endpoints.</summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _control;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _control = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync()
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var psi = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            psi.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        psi.ArgumentList.Add("--e2e-server");
        psi.Environment["DOTNET_gcServer"] = "0";
        Process process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the server process.");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            string? line = await process.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false);
            if (line is null)
            {
                throw new InvalidOperationException("The server process exited before listening.");
            }

            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                return new ServerProcess(process, new Uri(line["LISTENING ".Length..].Trim().TrimEnd('/') + "/"));
            }
        }
    }

    public async Task SetScenarioAsync(E2eScenario scenario)
    {
        using HttpResponseMessage r = await _control.PostAsync(new Uri("control/scenario?" + scenario.ToQuery(), UriKind.Relative), null).ConfigureAwait(false);
        r.EnsureSuccessStatusCode();
    }

    public async Task ReleaseAsync()
    {
        using HttpResponseMessage r = await _control.PostAsync(new Uri("control/release", UriKind.Relative), null).ConfigureAwait(false);
        r.EnsureSuccessStatusCode();
    }

    /// <summary>Send timestamps per stream id, one per text delta, taken after the flush completed.</summary>
    public async Task<Dictionary<int, long[]>> GetTimestampsAsync()
    {
        byte[] bytes = await _control.GetByteArrayAsync(new Uri("control/timestamps", UriKind.Relative)).ConfigureAwait(false);
        var result = new Dictionary<int, long[]>();
        using var reader = new BinaryReader(new MemoryStream(bytes));
        while (reader.BaseStream.Position < bytes.Length)
        {
            int id = reader.ReadInt32();
            long[] ts = new long[reader.ReadInt32()];
            for (int i = 0; i < ts.Length; i++)
            {
                ts[i] = reader.ReadInt64();
            }

            result[id] = ts;
        }

        return result;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using HttpResponseMessage r = await _control.PostAsync(new Uri("control/shutdown", UriKind.Relative), null).ConfigureAwait(false);
        }
        catch (HttpRequestException)
        {
        }

        _process.StandardInput.Close();
        if (!_process.WaitForExit(10_000))
        {
            _process.Kill();
        }

        _process.Dispose();
        _control.Dispose();
    }
}
