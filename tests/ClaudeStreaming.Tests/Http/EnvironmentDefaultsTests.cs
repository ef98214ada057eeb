using ClaudeStreaming.Testing;

namespace ClaudeStreaming.Tests;

/// <summary>Tests that change process environment variables run alone, never beside other tests.</summary>
[CollectionDefinition(nameof(EnvironmentCollection), DisableParallelization = true)]
public sealed class EnvironmentCollection;

[Collection(nameof(EnvironmentCollection))]
public sealed class EnvironmentDefaultsTests
{
    [Fact]
    public async Task Defaults_ComeFromAnthropicEnvironmentVariables()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("from the environment"));
        using var _ = new EnvironmentScope(("ANTHROPIC_API_KEY", "env-key-123"), ("ANTHROPIC_BASE_URL", server.BaseAddress.ToString()), ("ANTHROPIC_AUTH_TOKEN", null));
        using var client = new ClaudeClient();

        string text = await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync();

        Assert.Equal("from the environment", text);
        Assert.Equal("env-key-123", server.Requests[0].Headers["x-api-key"]);
    }

    [Fact]
    public async Task AuthToken_WithoutKey_IsSentAsBearer()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("ok"));
        using var _ = new EnvironmentScope(("ANTHROPIC_API_KEY", null), ("ANTHROPIC_AUTH_TOKEN", null), ("ANTHROPIC_BASE_URL", null));
        using var client = new ClaudeClient(new ClaudeClientOptions { AuthToken = "oauth-token-1", BaseAddress = server.BaseAddress });

        await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalMessageAsync();

        Assert.Equal("Bearer oauth-token-1", server.Requests[0].Headers["authorization"]);
        Assert.False(server.Requests[0].Headers.ContainsKey("x-api-key"));
    }

    [Fact]
    public void PlainHttpBaseUrlFromEnvironment_ToARemoteHost_IsRefused()
    {
        using var _ = new EnvironmentScope(("ANTHROPIC_API_KEY", "env-key-123"), ("ANTHROPIC_BASE_URL", "http://api.example.com/"));

        var ex = Assert.Throws<ArgumentException>(() => new ClaudeClient());

        Assert.Contains("clear text", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("env-key-123", ex.ToString(), StringComparison.Ordinal);
    }

    private sealed class EnvironmentScope : IDisposable
    {
        private readonly (string Name, string? Value)[] _saved;

        public EnvironmentScope(params (string Name, string? Value)[] values)
        {
            _saved = values.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToArray();
            foreach ((string name, string? value) in values)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }

        public void Dispose()
        {
            foreach ((string name, string? value) in _saved)
            {
                Environment.SetEnvironmentVariable(name, value);
            }
        }
    }
}
