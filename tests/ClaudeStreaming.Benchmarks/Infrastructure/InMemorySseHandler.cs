using System.Net;
using System.Net.Http.Headers;

namespace ClaudeStreaming.Benchmarks.Infrastructure;

/// <summary>
/// The fake Messages API both clients talk to in the in-memory benchmarks: every POST /v1/messages gets status 200,
/// <c>text/event-stream</c> and a fresh read-only <see cref="MemoryStream"/> over the same body bytes. The request
/// body is drained, as a transport would, so each client's request serialization is part of what is measured.
/// </summary>
public sealed class InMemorySseHandler : HttpMessageHandler
{
    private static readonly MediaTypeHeaderValue EventStream = new("text/event-stream") { CharSet = "utf-8" };

    private byte[] _body;

    public InMemorySseHandler(byte[] body) => _body = body;

    /// <summary>The bytes served to the next requests.</summary>
    public byte[] Body
    {
        get => Volatile.Read(ref _body);
        set => Volatile.Write(ref _body, value);
    }

    public int Requests { get; private set; }

    /// <summary>Diagnostics only (never while measuring): count the ReadAsync calls clients make on response bodies.</summary>
    public bool ReadCounting { get; set; }

    /// <summary>ReadAsync calls counted while <see cref="ReadCounting"/> was on.</summary>
    public long Reads { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Post || request.RequestUri?.AbsolutePath != "/v1/messages")
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { RequestMessage = request };
        }

        if (request.Content is not null)
        {
            await request.Content.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
        }

        Requests++;
        Stream body = ReadCounting ? new CountingStream(Body, this) : new MemoryStream(Body, writable: false);
        var content = new StreamContent(body);
        content.Headers.ContentType = EventStream;
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("request-id", "req_bench_0001");
        response.Headers.CacheControl = new CacheControlHeaderValue { NoCache = true };
        return response;
    }
}

/// <summary>A read-only body that counts how often it is read.</summary>
internal sealed class CountingStream(byte[] body, InMemorySseHandler owner) : MemoryStream(body, writable: false)
{
    public override int Read(byte[] buffer, int offset, int count)
    {
        owner.Reads++;
        return base.Read(buffer, offset, count);
    }

    public override int Read(Span<byte> buffer)
    {
        owner.Reads++;
        return base.Read(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        owner.Reads++;
        return base.ReadAsync(buffer, offset, count, cancellationToken);
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        owner.Reads++;
        return base.ReadAsync(buffer, cancellationToken);
    }
}
