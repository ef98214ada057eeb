namespace ClaudeStreaming.Testing.Internal;

/// <summary>Generates ids shaped like Anthropic's (<c>msg_01…</c>, <c>req_011C…</c>).</summary>
internal static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewMessageId() => "msg_01" + RandomTail(22);

    public static string NewRequestId() => "req_011C" + RandomTail(20);

    private static string RandomTail(int length) => string.Create(length, 0, static (span, _) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        }
    });
}
