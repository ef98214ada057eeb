using ClaudeStreaming.Testing;
using Microsoft.Extensions.AI;

namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>Item 5: <see cref="IChatClient.GetService"/>, and <see cref="ClaudeClient.BaseAddress"/> that its metadata reports.</summary>
public sealed class ServiceTests
{
    [Fact]
    public async Task GetService_Metadata_ProviderAnthropicBaseAddressAndDefaultModel()
    {
        await using var server = await FakeMessagesServer.StartAsync();
        using ClaudeClient client = ChatClients.ClaudeFor(server);
        IChatClient chat = client.AsIChatClient("claude-sonnet-4-6");

        ChatClientMetadata metadata = chat.GetService<ChatClientMetadata>()!;

        Assert.Equal("anthropic", metadata.ProviderName);
        Assert.Equal(server.BaseAddress, metadata.ProviderUri);
        Assert.Equal(client.BaseAddress, metadata.ProviderUri);
        Assert.Equal("claude-sonnet-4-6", metadata.DefaultModelId);
    }

    [Fact]
    public void GetService_ClaudeClientSelfAndKeyed_AsDocumented()
    {
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = ChatClients.ApiKey });
        IChatClient chat = client.AsIChatClient();

        Assert.Same(client, chat.GetService<ClaudeClient>());
        Assert.Same(chat, chat.GetService<IChatClient>());
        Assert.Same(chat, chat.GetService<IDisposable>());
        Assert.Null(chat.GetService<ClaudeClient>("some-key"));
        Assert.Null(chat.GetService(typeof(ChatClientMetadata), "some-key"));
        Assert.Null(chat.GetService<HttpClient>());
        Assert.Null(chat.GetService<ChatClientMetadata>()!.DefaultModelId);
        Assert.Throws<ArgumentNullException>(() => chat.GetService(null!));
    }

    [Fact]
    public void GetService_ThroughMiddleware_ReachesTheClaudeClient()
    {
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = ChatClients.ApiKey });
        IChatClient pipeline = new ChatClientBuilder(client.AsIChatClient("m")).UseFunctionInvocation().Build();

        Assert.Same(client, pipeline.GetService<ClaudeClient>());
        Assert.Equal("m", pipeline.GetService<ChatClientMetadata>()!.DefaultModelId);
    }

    [Fact]
    public void AsIChatClient_InvalidArguments_Throw()
    {
        using var client = new ClaudeClient(new ClaudeClientOptions { ApiKey = ChatClients.ApiKey });

        Assert.Throws<ArgumentNullException>(() => ((ClaudeClient)null!).AsIChatClient());
        Assert.Throws<ArgumentOutOfRangeException>(() => client.AsIChatClient("m", defaultMaxOutputTokens: 0));
    }

    [Theory]
    [InlineData("https://proxy.example.com/anthropic", "https://proxy.example.com/anthropic/")]
    [InlineData("https://proxy.example.com/anthropic/", "https://proxy.example.com/anthropic/")]
    [InlineData(null, "https://api.anthropic.com/")]
    public void ClaudeClientBaseAddress_FromOptions_EndsWithSlash(string? configured, string expected)
    {
        using var client = new ClaudeClient(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }), new ClaudeClientOptions { ApiKey = ChatClients.ApiKey, BaseAddress = configured is null ? new Uri("https://api.anthropic.com") : new Uri(configured) });

        Assert.Equal(new Uri(expected), client.BaseAddress);
    }

    [Fact]
    public void ClaudeClientBaseAddress_FromHttpClient_IsUsed()
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri("https://gateway.example.com/v0/") };
        using var client = new ClaudeClient(http, new ClaudeClientOptions { ApiKey = ChatClients.ApiKey });

        Assert.Equal(new Uri("https://gateway.example.com/v0/"), client.BaseAddress);
    }
}
