using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>Writes a reply into a pipe and hands the reading end to the client as an <see cref="HttpResponseMessage"/>.</summary>
/// <remarks>The body stream belongs to the response message, which the client disposes.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The stream is owned by the HttpResponseMessage handed to the client.")]
internal sealed class InMemoryReplySink(HttpRequestMessage request, Action clientGone) : IReplySink
{
    private readonly Pipe _pipe = new(new PipeOptions(useSynchronizationContext: false));
    private readonly TaskCompletionSource<HttpResponseMessage> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private InMemoryResponseStream? _stream;

    /// <summary>Completes when the headers are "sent"; faults if the reply failed before that.</summary>
    public Task<HttpResponseMessage> Response => _response.Task;

    public ValueTask StartAsync(int status, string contentType, long? contentLength, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        _stream = new InMemoryResponseStream(_pipe.Reader, clientGone);
        var content = new StreamContent(_stream);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        content.Headers.ContentLength = contentLength;
#pragma warning disable CA2000 // Ownership passes to the caller of SendAsync.
        var response = new HttpResponseMessage((HttpStatusCode)status)
        {
            Content = content,
            RequestMessage = request,
            Version = request.Version,
        };
#pragma warning restore CA2000
        foreach (KeyValuePair<string, string> header in headers)
        {
            if (!response.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }
        }

        _response.TrySetResult(response);
        return ValueTask.CompletedTask;
    }

    public async ValueTask<bool> WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        FlushResult result = await _pipe.Writer.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        return !result.IsCompleted && !cancellationToken.IsCancellationRequested;
    }

    public async ValueTask CompleteAsync() => await _pipe.Writer.CompleteAsync().ConfigureAwait(false);

    public async ValueTask AbortAsync()
    {
        _stream?.MarkDisconnected();
        await _pipe.Writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Ends the exchange after the reply stopped early: a waiting <see cref="Response"/> fails, an open body ends.</summary>
    public void Fail(Exception? exception)
    {
        if (exception is not null)
        {
            _response.TrySetException(exception);
        }
        else
        {
            _response.TrySetCanceled();
        }

        _stream?.MarkDisconnected();
        _pipe.Writer.Complete();
    }
}
