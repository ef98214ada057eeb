using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using ClaudeStreaming.AspNetCore;
using ClaudeStreaming.Samples.Tests.Infrastructure;
using ClaudeStreaming.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClaudeStreaming.Samples.Tests.AspNetCore;

/// <summary>The relay helper of ClaudeStreaming.AspNetCore, hosted in-process on a loopback Kestrel port.</summary>
public sealed class ClaudeResultsTests : IAsyncLifetime
{
    private static readonly MessageRequest s_request = new()
    {
        Model = "claude-sonnet-4-6",
        MaxTokens = 64,
        Messages = [MessageParam.User("Hi")],
    };

    private FakeMessagesServer _upstream = null!;
    private ClaudeClient _claude = null!;
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeMessagesServer.StartAsync();
        _claude = new ClaudeClient(new ClaudeClientOptions { ApiKey = "test-key", BaseAddress = _upstream.BaseAddress, MaxRetries = 0 });

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        // The stream already exists when the result is created: the extension-method overload.
        // (CancellationToken binds to HttpContext.RequestAborted. A lone HttpContext parameter would make the lambda
        // a RequestDelegate and silently drop the returned IResult.)
        _app.MapGet("/existing", async (CancellationToken requestAborted) =>
            ClaudeResults.ServerSentEvents(await _claude.Messages.StreamAsync(s_request, requestAborted)));
        // The stream starts inside the result: the factory overload.
        _app.MapGet("/factory", () => ClaudeResults.ServerSentEvents(ct => _claude.Messages.StreamAsync(s_request, ct)));
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
        _claude.Dispose();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData("/existing")]
    [InlineData("/factory")]
    public async Task ServerSentEvents_RelaysTextIntactThenUsage(string path)
    {
        // Newlines of every style and a lone CR survive because each piece is a JSON string.
        string[] deltas = ["line one\r\n", "line two\n", "a lone \r here, ", "data: not a field\n\n", "é 日本 🚀"];
        _upstream.Enqueue(FakeReply.Create().TextDeltas(deltas).Usage(input: 5, output: 9, cacheRead: 3).StopReason("max_tokens"));

        using HttpResponseMessage response = await _http.GetAsync(path);
        List<SseItem<string>> events = [.. SseParser.Create(await response.Content.ReadAsStreamAsync()).Enumerate()];

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Enumerable.Repeat("text", deltas.Length).Append("usage"), events.Select(e => e.EventType));
        Assert.Equal(deltas, events.Take(deltas.Length).Select(e => JsonSerializer.Deserialize<string>(e.Data)));
        using JsonDocument usage = JsonDocument.Parse(events[^1].Data);
        Assert.Equal(5, usage.RootElement.GetProperty("input_tokens").GetInt32());
        Assert.Equal(9, usage.RootElement.GetProperty("output_tokens").GetInt32());
        Assert.Equal(3, usage.RootElement.GetProperty("cache_read_input_tokens").GetInt32());
        Assert.Equal("max_tokens", usage.RootElement.GetProperty("stop_reason").GetString());
    }

    [Theory]
    [InlineData("/existing")]
    [InlineData("/factory")]
    public async Task ServerSentEvents_ClientLeavesMidReply_UpstreamIsAborted(string path)
    {
        var gate = new DeltaGate();
        _upstream.Enqueue(FakeReply.Create().TextDeltas("first ", "second ", "third").Gate(gate.WaitAsync));
        gate.Release(0);

        using (HttpResponseMessage response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead))
        {
            await using Stream body = await response.Content.ReadAsStreamAsync();
            await using IAsyncEnumerator<SseItem<string>> events = SseParser.Create(body).EnumerateAsync().GetAsyncEnumerator();
            Assert.True(await events.MoveNextAsync());
            Assert.Equal("text", events.Current.EventType);
            await gate.Reached(1);
        }

        RecordedRequest upstream = Assert.Single(_upstream.Requests);
        await upstream.Aborted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(upstream.CompletedNormally);
    }

    [Fact]
    public async Task ServerSentEvents_FactoryThrowsApiError_WritesErrorEvent()
    {
        _upstream.Enqueue(FakeReply.HttpError(529, "overloaded_error", "Overloaded", requestId: "req_529"));

        using HttpResponseMessage response = await _http.GetAsync("/factory");
        List<SseItem<string>> events = [.. SseParser.Create(await response.Content.ReadAsStreamAsync()).Enumerate()];

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SseItem<string> error = Assert.Single(events);
        Assert.Equal("error", error.EventType);
        using JsonDocument data = JsonDocument.Parse(error.Data);
        Assert.Equal("overloaded_error", data.RootElement.GetProperty("type").GetString());
        Assert.Equal("Overloaded", data.RootElement.GetProperty("message").GetString());
        Assert.Equal(529, data.RootElement.GetProperty("status").GetInt32());
        Assert.Equal("req_529", data.RootElement.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task ServerSentEvents_StreamBreaksMidReply_WritesTextThenStreamError()
    {
        _upstream.Enqueue(FakeReply.Create().TextDeltas("partial ", "reply").TruncateAfterDeltas(1));

        using HttpResponseMessage response = await _http.GetAsync("/existing");
        List<SseItem<string>> events = [.. SseParser.Create(await response.Content.ReadAsStreamAsync()).Enumerate()];

        Assert.Equal(["text", "error"], events.Select(e => e.EventType));
        using JsonDocument data = JsonDocument.Parse(events[1].Data);
        Assert.Equal("stream_error", data.RootElement.GetProperty("type").GetString());
        Assert.False(string.IsNullOrEmpty(data.RootElement.GetProperty("message").GetString()));
    }

    [Fact]
    public void ServerSentEvents_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("stream", () => ClaudeResults.ServerSentEvents((MessageStream)null!));
        Assert.Throws<ArgumentNullException>("startStream", () => ClaudeResults.ServerSentEvents((Func<CancellationToken, Task<MessageStream>>)null!));
        Assert.Throws<ArgumentNullException>("stream", () => ClaudeResults.ServerSentEvents((MessageStream)null!));
    }
}
