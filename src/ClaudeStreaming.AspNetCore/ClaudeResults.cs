using Microsoft.AspNetCore.Http;

namespace ClaudeStreaming.AspNetCore;

/// <summary>Creates ASP.NET Core results that relay a Claude reply to the browser as server-sent events.</summary>
/// <remarks>
/// <para>
/// The response is <c>text/event-stream</c> with three named events, written with the BCL
/// <see cref="System.Net.ServerSentEvents.SseFormatter"/>:
/// </para>
/// <list type="bullet">
/// <item><description><c>text</c>: a JSON string holding the next piece of the reply's text, in arrival order.</description></item>
/// <item><description><c>usage</c>: once, after the last <c>text</c> event: a JSON object with <c>input_tokens</c>,
/// <c>output_tokens</c>, <c>stop_reason</c> and, when the API reports them, <c>cache_creation_input_tokens</c> and
/// <c>cache_read_input_tokens</c>.</description></item>
/// <item><description><c>error</c>: once, instead of <c>usage</c>, when the reply fails: a JSON object with <c>type</c>
/// (the API's error type, or <c>stream_error</c>, <c>connection_error</c>, <c>relay_error</c>), <c>message</c> and,
/// for API errors, <c>status</c> and <c>request_id</c>. The message never contains the API key.</description></item>
/// </list>
/// <para>
/// The request's <see cref="HttpContext.RequestAborted"/> token is passed to the stream: when the client goes away
/// (a closed tab, an <c>AbortController</c>) the upstream reply is cancelled and its connection closed. Response
/// buffering is disabled so that every event reaches the client as soon as it is written.
/// </para>
/// </remarks>
public static class ClaudeResults
{
    /// <summary>Relays an already started <see cref="MessageStream"/> as server-sent events.</summary>
    /// <param name="stream">The stream to relay. The result takes ownership and disposes it when the response ends.</param>
    /// <returns>A result that writes the stream's text, then its final usage, as server-sent events.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// Errors raised before the stream existed (for example an authentication error from
    /// <see cref="MessagesClient.StreamAsync"/>) cannot be relayed by this overload; use
    /// <see cref="ServerSentEvents(Func{CancellationToken, Task{MessageStream}})"/> to relay them as an <c>error</c> event.
    /// </remarks>
    public static IResult ServerSentEvents(MessageStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return new MessageStreamSseResult(stream, startStream: null);
    }

    /// <summary>Starts a Claude stream when the response begins and relays it as server-sent events.</summary>
    /// <param name="startStream">
    /// Starts the stream, typically <c>ct =&gt; client.Messages.StreamAsync(request, ct)</c>. It receives the
    /// request's <see cref="HttpContext.RequestAborted"/> token. The result disposes the stream it returns.
    /// </param>
    /// <returns>A result that writes the stream's text, then its final usage or an error, as server-sent events.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="startStream"/> is <see langword="null"/>.</exception>
    /// <remarks>
    /// The response headers are sent before <paramref name="startStream"/> runs, so a <see cref="ClaudeException"/> it
    /// throws (a rejected key, an overloaded API) reaches the client as an <c>error</c> event with status 200.
    /// </remarks>
    public static IResult ServerSentEvents(Func<CancellationToken, Task<MessageStream>> startStream)
    {
        ArgumentNullException.ThrowIfNull(startStream);
        return new MessageStreamSseResult(stream: null, startStream);
    }
}
