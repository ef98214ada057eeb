using System.Runtime.InteropServices;

namespace ClaudeStreaming.Tests.Shared;

/// <summary>
/// A test run started in the background by a non-interactive shell (<c>cmd &amp;</c>, as CI may) inherits SIGINT as
/// ignored, and .NET then leaves it ignored, so a child process would never see the Ctrl+C a test sends. Restores the
/// default disposition, which the children inherit (they install their own handler).
/// </summary>
/// <remarks>Linked into each test project that sends signals to child processes.</remarks>
internal static class DefaultSigInt
{
    private const int SigInt = 2;

    public static void Restore()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        string? ignored = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        if (ignored is not null &&
            ulong.TryParse(ignored["SigIgn:".Length..].Trim(), System.Globalization.NumberStyles.HexNumber, null, out ulong mask) &&
            (mask & (1UL << (SigInt - 1))) != 0)
        {
            _ = SetSignalDisposition(SigInt, IntPtr.Zero); // SIG_DFL
        }
    }

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr SetSignalDisposition(int signal, IntPtr handler);
}
