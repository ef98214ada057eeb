using System.Collections.Concurrent;
using ClaudeStreaming.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeStreaming.Tests;

public sealed class DependencyInjectionTests
{
    [Fact]
    public async Task AddClaudeClient_ResolvesTypedClient_AndFactoryLogsNeverShowTheKey()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.CreateText("from the container"));
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
        // An app that shows every header value in its HTTP logs: the client's own redaction must still hide the key.
        services.ConfigureHttpClientDefaults(b => b.RedactLoggedHeaders(_ => false));
        services.AddClaudeClient(o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.BaseAddress = server.BaseAddress;
            o.MaxRetries = 0;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();

        ClaudeClient client = provider.GetRequiredService<ClaudeClient>();
        string text = await (await client.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync();

        Assert.Equal("from the container", text);
        Assert.Equal(TestClients.ApiKey, server.Requests[0].Headers["x-api-key"]);
        Assert.NotEmpty(logs.Lines);   // the factory's HTTP logging ran, headers included at Trace
        Assert.Contains(logs.Lines, line => line.Contains("x-api-key", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(logs.Lines, line => line.Contains(TestClients.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddKeyedClaudeClient_TwoEndpoints_EachWithItsOwnOptions()
    {
        await using FakeMessagesServer first = await FakeMessagesServer.StartAsync();
        await using FakeMessagesServer second = await FakeMessagesServer.StartAsync();
        first.Enqueue(FakeReply.CreateText("from the first"));
        second.Enqueue(FakeReply.CreateText("from the second"));
        var services = new ServiceCollection();
        services.AddKeyedClaudeClient("first", o =>
        {
            o.ApiKey = "key-for-the-first-endpoint";
            o.BaseAddress = first.BaseAddress;
        });
        services.AddKeyedClaudeClient("second", o =>
        {
            o.ApiKey = "key-for-the-second-endpoint";
            o.BaseAddress = second.BaseAddress;
        });
        await using ServiceProvider provider = services.BuildServiceProvider();
        provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();

        ClaudeClient one = provider.GetRequiredKeyedService<ClaudeClient>("first");
        ClaudeClient two = provider.GetRequiredKeyedService<ClaudeClient>("second");

        Assert.Equal("from the first", await (await one.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync());
        Assert.Equal("from the second", await (await two.Messages.StreamAsync(TestClients.Request())).GetFinalTextAsync());
        Assert.Equal("key-for-the-first-endpoint", first.Requests.Single().Headers["x-api-key"]);
        Assert.Equal("key-for-the-second-endpoint", second.Requests.Single().Headers["x-api-key"]);
        Assert.Equal(second.BaseAddress, two.BaseAddress);
    }

    [Fact]
    public void AddKeyedClaudeClient_InvalidOptions_FailAtStart()
    {
        var services = new ServiceCollection();
        services.AddKeyedClaudeClient("bad", o =>
        {
            o.ApiKey = TestClients.ApiKey;
            o.MaxRetries = -1;
        });
        using ServiceProvider provider = services.BuildServiceProvider();

        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => provider.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate());

        Assert.Contains("MaxRetries", ex.Message, StringComparison.Ordinal);
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Lines.Enqueue(formatter(state, exception) + exception);
        }
    }
}
