using ClaudeStreaming.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClaudeStreaming.Tests;

/// <summary>Issue 9: no credential anywhere fails before any request, naming both variables. These tests clear the environment, so they run alone.</summary>
[Collection(nameof(EnvironmentCollection))]
public sealed class FailEarlyTests
{
    private static readonly string[] CredentialVariables = ["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"];

    [Fact]
    public void Constructor_NoKeyAndNoToken_ThrowsNamingBothEnvironmentVariables()
    {
        using var _ = new ClearedEnvironment(CredentialVariables);

        var ex = Assert.Throws<ArgumentException>(() => new ClaudeClient(new ClaudeClientOptions { BaseAddress = new Uri("https://api.anthropic.com/") }));

        Assert.Contains("ANTHROPIC_API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_AUTH_TOKEN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Constructor_NoKeyAndNoToken_SendsNothing()
    {
        using var _ = new ClearedEnvironment(CredentialVariables);
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false });

        Assert.Throws<ArgumentException>(() => new ClaudeClient(http, new ClaudeClientOptions { BaseAddress = server.BaseAddress }));

        Assert.Empty(server.Requests);
    }

    [Fact]
    public void AddClaudeClient_NoKeyAndNoToken_FailsAtStart_NamingBothEnvironmentVariables()
    {
        using var _ = new ClearedEnvironment(CredentialVariables);
        var services = new ServiceCollection();
        services.AddClaudeClient(o => o.BaseAddress = new Uri("https://api.anthropic.com/"));
        using ServiceProvider provider = services.BuildServiceProvider();

        // What the generic host runs in StartAsync for ValidateOnStart.
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("ANTHROPIC_API_KEY", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ANTHROPIC_AUTH_TOKEN", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClaudeClient_InvalidOptions_FailAtFirstResolution_WithoutTheHost()
    {
        var services = new ServiceCollection();
        services.AddClaudeClient(o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.Timeout = TimeSpan.Zero;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ClaudeClient>());

        Assert.Contains("Timeout", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestClients.ApiKey, ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddClaudeClientFromConfiguration_BindsEveryOption()
    {
        using var _ = new ClearedEnvironment([.. CredentialVariables, "ANTHROPIC_BASE_URL"]);
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("configured"));
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Claude:ApiKey"] = TestClients.ApiKey,
            ["Claude:AuthToken"] = "token-unused-when-a-key-is-set",
            ["Claude:BaseAddress"] = server.BaseAddress.ToString(),
            ["Claude:AnthropicVersion"] = "2024-10-22",
            ["Claude:Betas:0"] = "beta-one",
            ["Claude:Betas:1"] = "beta-two",
            ["Claude:MaxRetries"] = "4",
            ["Claude:Timeout"] = "00:00:42",
            ["Claude:StreamIdleTimeout"] = "Infinite",
        }).Build();
        var services = new ServiceCollection();
        services.AddClaudeClient(configuration.GetSection("Claude"));
        await using ServiceProvider provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        ClaudeClientOptions options = provider.GetRequiredService<IOptions<ClaudeClientOptions>>().Value;
        ClaudeClient client = provider.GetRequiredService<ClaudeClient>();
        string text = await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync();

        Assert.Equal("configured", text);
        Assert.Equal(TestClients.ApiKey, options.ApiKey);
        Assert.Equal("token-unused-when-a-key-is-set", options.AuthToken);
        Assert.Equal(server.BaseAddress, client.BaseAddress);
        Assert.Equal(["beta-one", "beta-two"], options.Betas);
        Assert.Equal(4, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(42), options.Timeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, options.StreamIdleTimeout);
        Assert.Equal(TestClients.ApiKey, server.Requests[0].Headers["x-api-key"]);
        Assert.Equal("2024-10-22", server.Requests[0].Headers["anthropic-version"]);
        Assert.Equal("beta-one,beta-two", server.Requests[0].Headers["anthropic-beta"]);
    }

    [Fact]
    public void AddClaudeClientFromConfiguration_CommaSeparatedBetas_AreSplit()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Claude:ApiKey"] = TestClients.ApiKey,
            ["Claude:Betas"] = "a-1, b-2",
        }).Build();
        var services = new ServiceCollection();
        services.AddClaudeClient(configuration.GetSection("Claude"));
        using ServiceProvider provider = services.BuildServiceProvider();

        ClaudeClientOptions options = provider.GetRequiredService<IOptions<ClaudeClientOptions>>().Value;

        Assert.Equal(["a-1", "b-2"], options.Betas);
    }

    [Fact]
    public void AddClaudeClientFromConfiguration_ABadNumber_NamesThePathNotTheValue()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Claude:ApiKey"] = TestClients.ApiKey,
            ["Claude:MaxRetries"] = "many",
        }).Build();
        var services = new ServiceCollection();
        services.AddClaudeClient(configuration.GetSection("Claude"));
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<ClaudeClientOptions>>().Value);

        Assert.Contains("Claude:MaxRetries", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("many", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddClaudeClientFromConfiguration_RelativeBaseAddress_FailsValidation()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Claude:ApiKey"] = TestClients.ApiKey,
            ["Claude:BaseAddress"] = "not/absolute",
        }).Build();
        var services = new ServiceCollection();
        services.AddClaudeClient(configuration.GetSection("Claude"));
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("BaseAddress", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddClaudeClient_DisposeOrCancelMidStream_ClosesTheConnectionAtOnce(bool cancel)
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text(string.Join(' ', Enumerable.Repeat("x", 2000))).Pace(TimeSpan.FromMilliseconds(10)));
        var services = new ServiceCollection();
        services.AddClaudeClient(o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.BaseAddress = server.BaseAddress;
            o.MaxRetries = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        TimeSpan closedAfter = await HostileResponseTests.CloseMidStreamAsync(provider.GetRequiredService<ClaudeClient>(), server, cancel);

        // The factory's default handler drains the body for up to 2 s (ResponseDrainTimeout); issue 9 measured 2,006 ms.
        Assert.True(closedAfter < TimeSpan.FromSeconds(1.5), $"closed after {closedAfter.TotalMilliseconds} ms");
    }

    private sealed class ClearedEnvironment : IDisposable
    {
        private readonly (string Name, string? Value)[] _saved;

        public ClearedEnvironment(string[] names)
        {
            _saved = names.Select(n => (n, Environment.GetEnvironmentVariable(n))).ToArray();
            foreach (string name in names)
            {
                Environment.SetEnvironmentVariable(name, null);
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
