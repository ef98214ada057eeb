using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>One fake Messages API server on 127.0.0.1 shared by a test class (replies are queued per test).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public FakeMessagesServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await FakeMessagesServer.StartAsync();

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
