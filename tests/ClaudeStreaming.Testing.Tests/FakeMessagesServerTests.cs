using System.Diagnostics;
using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Tests;

public sealed class FakeMessagesServerTests
{
    [Fact]
    public async Task StartAsync_Default_LoopbackBaseAddressEndingWithSlash()
    {
        await using FakeMessagesServer server = await FakeMessagesServer.StartAsync();

        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.True(server.BaseAddress.Port > 0);
        Assert.EndsWith("/", server.BaseAddress.AbsoluteUri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Enqueue_TwoRepliesThenEmpty_ServedInOrderThenDefault(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.CreateText("first"), FakeReply.CreateText("second"));
        fake.DefaultReply = FakeReply.CreateText("default");

        var texts = new List<string>();
        for (int i = 0; i < 4; i++)
        {
            using HttpResponseMessage response = await fake.PostAsync();
            texts.Add((await FakeEndpoint.ReadEventsAsync(response)).Joined("text_delta", "text"));
        }

        Assert.Equal(["first", "second", "default", "default"], texts);
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task Requests_PostWithQuery_RecordsMethodPathHeadersAndJson(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);

        using HttpResponseMessage response = await fake.PostAsync("v1/messages?beta=true");
        await FakeEndpoint.ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        RecordedRequest request = Assert.Single(fake.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/v1/messages?beta=true", request.Path);
        Assert.Equal("test-key", request.Headers["X-API-KEY"]);
        Assert.Equal("2023-06-01", request.Headers["anthropic-version"]);
        Assert.StartsWith("application/json", request.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("\"stream\":true", request.Body, StringComparison.Ordinal);
        Assert.True(request.Json.GetProperty("stream").GetBoolean());
        Assert.Equal("claude-sonnet-4-5", request.Json.GetProperty("model").GetString());
    }

    [Theory]
    [InlineData(Transport.Server)]
    [InlineData(Transport.Handler)]
    public async Task UnknownPath_Get_NotFoundJsonErrorAndQueueUntouched(Transport transport)
    {
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(transport);
        fake.Enqueue(FakeReply.CreateText("kept"));

        using HttpResponseMessage notFound = await fake.Client.GetAsync(new Uri("v1/models", UriKind.Relative));
        using JsonDocument error = JsonDocument.Parse(await notFound.Content.ReadAsStringAsync());
        using HttpResponseMessage response = await fake.PostAsync();

        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Equal("not_found_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal("kept", (await FakeEndpoint.ReadEventsAsync(response)).Joined("text_delta", "text"));
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task Server_ManyConcurrentStreams_AllCompleteWithTheirOwnText()
    {
        const int Streams = 200;
        await using FakeEndpoint fake = await FakeEndpoint.StartAsync(Transport.Server);
        fake.DefaultReply = FakeReply.Create().Text("a b c d e f g h").Pace(TimeSpan.FromMilliseconds(5));

        string[] texts = await Task.WhenAll(Enumerable.Range(0, Streams).Select(async _ =>
        {
            using HttpResponseMessage response = await fake.PostAsync();
            return (await FakeEndpoint.ReadEventsAsync(response)).Joined("text_delta", "text");
        }));

        Assert.All(texts, t => Assert.Equal("a b c d e f g h", t));
        Assert.Equal(Streams, fake.Requests.Count);
    }

    [Fact]
    public async Task DisposeAsync_WhileStalled_EndsQuicklyAndAbortsTheRequest()
    {
        FakeMessagesServer server = await FakeMessagesServer.StartAsync();
        server.Enqueue(FakeReply.Create().Text("a b").StallAfterDeltas(0));
        using var client = new HttpClient { BaseAddress = server.BaseAddress };
        using HttpRequestMessage request = FakeEndpoint.NewRequest();
        using HttpResponseMessage response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Stream body = await response.Content.ReadAsStreamAsync();
        await SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator().MoveNextAsync();

        var stopwatch = Stopwatch.StartNew();
        await server.DisposeAsync();

        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"Dispose took {stopwatch.Elapsed}.");
        await Single(server.Requests).Aborted.WaitAsync(TimeSpan.FromSeconds(1));
    }

    private static RecordedRequest Single(IReadOnlyList<RecordedRequest> requests) => Assert.Single(requests);
}
