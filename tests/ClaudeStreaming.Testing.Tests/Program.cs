namespace ClaudeStreaming.Testing.Tests;

/// <summary>
/// The entry point of this test assembly when run as a plain app (<c>dotnet ClaudeStreaming.Testing.Tests.dll
/// --fake-server-host</c>): a console app that starts a <see cref="FakeMessagesServer"/> and waits forever, which is
/// what <see cref="HostLifetimeTests"/> sends signals to. The test runner never calls it.
/// </summary>
internal static class Program
{
    public const string HostArgument = "--fake-server-host";

    public static async Task<int> Main(string[] args)
    {
        if (args is not [HostArgument])
        {
            await Console.Error.WriteLineAsync($"Usage: {HostArgument}");
            return 2;
        }

        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        Console.WriteLine("ready " + server.BaseAddress);

        // An app with no signal handling of its own: the runtime's default for Ctrl+C and SIGTERM must end it.
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
