using Microsoft.AspNetCore.Http;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>Writes a reply to a Kestrel response, flushing each chunk so it leaves as its own HTTP chunk.</summary>
internal sealed class KestrelReplySink(HttpContext context) : IReplySink
{
    public async ValueTask StartAsync(int status, string contentType, long? contentLength, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        HttpResponse response = context.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = contentLength;
        foreach (KeyValuePair<string, string> header in headers)
        {
            response.Headers.Append(header.Key, header.Value);
        }

        await response.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // Kestrel accepts writes silently after the client left; the token (linked to RequestAborted) tells.
        System.IO.Pipelines.FlushResult result = await context.Response.BodyWriter.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        return !result.IsCompleted && !result.IsCanceled && !cancellationToken.IsCancellationRequested;
    }

    public async ValueTask CompleteAsync() => await context.Response.CompleteAsync().ConfigureAwait(false);

    public async ValueTask AbortAsync()
    {
        // Let the flushed bytes leave the socket before the reset, so the client sees exactly the scripted deltas.
        // A grace period, not a guarantee (Kestrel does not report when bytes have left the socket), generous enough
        // for a loaded machine.
        await Task.Delay(TimeSpan.FromMilliseconds(100), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        context.Abort();
    }
}
