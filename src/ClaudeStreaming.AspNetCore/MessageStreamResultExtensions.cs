using Microsoft.AspNetCore.Http;

namespace ClaudeStreaming.AspNetCore;

/// <summary>Extension methods that turn a <see cref="MessageStream"/> into an ASP.NET Core result.</summary>
public static class MessageStreamResultExtensions
{
    /// <summary>Relays the stream as server-sent events: <c>text</c> pieces, then <c>usage</c> or <c>error</c>.</summary>
    /// <param name="stream">The stream to relay. The result takes ownership and disposes it when the response ends.</param>
    /// <returns>A result that writes the stream as server-sent events; see <see cref="ClaudeResults"/> for the format.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    public static IResult ToServerSentEventsResult(this MessageStream stream) => ClaudeResults.ServerSentEvents(stream);
}
