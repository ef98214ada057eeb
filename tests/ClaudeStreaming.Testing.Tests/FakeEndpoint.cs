using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

namespace ClaudeStreaming.Testing.Tests;

/// <summary>The two ways to reach the fake: real loopback sockets or the in-memory handler.</summary>
public enum Transport
{
    Server,
    Handler,
}

/// <summary>One fake (server or handler) plus an HttpClient pointed at it, so each test runs against both.</summary>
internal sealed class FakeEndpoint : IAsyncDisposable
{
    private readonly FakeMessagesServer? _server;
    private readonly FakeMessagesHandler? _handler;

    private FakeEndpoint(FakeMessagesServer? server, FakeMessagesHandler? handler, HttpClient client)
    {
        _server = server;
        _handler = handler;
        Client = client;
    }

    public HttpClient Client { get; }

    public IReadOnlyList<RecordedRequest> Requests => _server?.Requests ?? _handler!.Requests;

    public static async Task<FakeEndpoint> StartAsync(Transport transport)
    {
        if (transport == Transport.Server)
        {
            FakeMessagesServer server = await FakeMessagesServer.StartAsync();

            // Without MaxResponseDrainSize = 0, disposing an unfinished body drains it instead of closing the connection.
            var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = server.BaseAddress };
            return new FakeEndpoint(server, null, client);
        }

        var handler = new FakeMessagesHandler();
        return new FakeEndpoint(null, handler, new HttpClient(handler) { BaseAddress = new Uri("https://api.anthropic.com/") });
    }

    public void Enqueue(params FakeReply[] replies)
    {
        if (_server is not null)
        {
            _server.Enqueue(replies);
        }
        else
        {
            _handler!.Enqueue(replies);
        }
    }

    public FakeMessagesOptions Options => _server?.Options ?? _handler!.Options;

    public void Enqueue(Func<RecordedRequest, FakeReply> reply)
    {
        if (_server is not null)
        {
            _server.Enqueue(reply);
        }
        else
        {
            _handler!.Enqueue(reply);
        }
    }

    public Func<RecordedRequest, FakeReply>? Responder
    {
        set
        {
            if (_server is not null)
            {
                _server.Responder = value;
            }
            else
            {
                _handler!.Responder = value;
            }
        }
    }

    /// <summary>Sends a request as built by the test (and disposes it) and reads the whole response.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            return await Client.SendAsync(request);
        }
    }

    public FakeReply DefaultReply
    {
        set
        {
            if (_server is not null)
            {
                _server.DefaultReply = value;
            }
            else
            {
                _handler!.DefaultReply = value;
            }
        }
    }

    /// <summary>Sends a streaming Messages request and returns as soon as the headers arrive.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path = "v1/messages", CancellationToken cancellationToken = default)
    {
        using HttpRequestMessage request = NewRequest(path);
        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>A request the real API accepts: key, version and a minimal body (streamed unless <paramref name="stream"/> is false).</summary>
    public static HttpRequestMessage NewRequest(string path = "v1/messages", bool stream = true, string model = "claude-sonnet-4-5")
    {
        string streamMember = stream ? "\"stream\":true," : "";
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(
                "{\"model\":\"" + model + "\",\"max_tokens\":64," + streamMember + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("x-api-key", "test-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    /// <summary>Reads the whole body as SSE events.</summary>
    public static async Task<List<SseItem<string>>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<SseItem<string>>();
        await using Stream stream = await response.Content.ReadAsStreamAsync();
        await foreach (SseItem<string> item in SseParser.Create(stream).EnumerateAsync())
        {
            events.Add(item);
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _handler?.Dispose();
    }
}

/// <summary>Helpers for reading event payloads.</summary>
internal static class Events
{
    public static JsonElement Json(this SseItem<string> item)
    {
        using var document = JsonDocument.Parse(item.Data);
        return document.RootElement.Clone();
    }

    public static string DeltaText(this SseItem<string> item, string field) =>
        item.Json().GetProperty("delta").GetProperty(field).GetString()!;

    public static string Joined(this IEnumerable<SseItem<string>> events, string deltaType, string field) =>
        string.Concat(events
            .Where(e => e.EventType == "content_block_delta" && e.Json().GetProperty("delta").GetProperty("type").GetString() == deltaType)
            .Select(e => e.DeltaText(field)));

    /// <summary>Checks the grammar of protocol §2.2: message_start block* message_delta message_stop, blocks indexed 0, 1, 2, ….</summary>
    public static void AssertWellFormed(IReadOnlyList<SseItem<string>> events)
    {
        var names = events.Where(e => e.EventType != "ping").Select(e => e.EventType).ToList();
        Assert.Equal("message_start", names[0]);
        Assert.Equal("message_delta", names[^2]);
        Assert.Equal("message_stop", names[^1]);
        int expectedIndex = 0;
        int? open = null;
        foreach (SseItem<string> item in events.Skip(1).SkipLast(2))
        {
            JsonElement json = item.Json();

            // Anthropic: the JSON type always equals the SSE event name.
            Assert.Equal(item.EventType, json.GetProperty("type").GetString());
            switch (item.EventType)
            {
                case "content_block_start":
                    Assert.Null(open);
                    Assert.Equal(expectedIndex, json.GetProperty("index").GetInt32());
                    open = expectedIndex;
                    break;
                case "content_block_delta":
                    Assert.Equal(open, json.GetProperty("index").GetInt32());
                    break;
                case "content_block_stop":
                    Assert.Equal(open, json.GetProperty("index").GetInt32());
                    open = null;
                    expectedIndex++;
                    break;
                case "ping":
                    break;
                default:
                    Assert.Fail($"Unexpected event {item.EventType} inside the message.");
                    break;
            }
        }

        Assert.Null(open);
    }
}
