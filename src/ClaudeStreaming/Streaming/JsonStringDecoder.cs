using System.Globalization;
using System.Text;

namespace ClaudeStreaming;

/// <summary>
/// Decodes a JSON string's raw bytes the lenient way the SSE standard decodes a stream: invalid UTF-8 and lone
/// surrogates (including a pair split across two deltas as <c>\u</c> escapes) become U+FFFD instead of throwing.
/// </summary>
/// <remarks>Only reached when <see cref="System.Text.Json.Utf8JsonReader.GetString"/> refused the bytes, so it favours clarity over speed.</remarks>
internal static class JsonStringDecoder
{
    private const char Replacement = '\uFFFD';

    public static string DecodeLenient(ReadOnlySpan<byte> raw, bool escaped)
    {
        if (!escaped)
        {
            // Encoding.UTF8 replaces each invalid sequence with U+FFFD.
            return Encoding.UTF8.GetString(raw);
        }

        var builder = new StringBuilder(raw.Length);
        int runStart = 0;
        int i = 0;
        while (i < raw.Length)
        {
            if (raw[i] != (byte)'\\')
            {
                i++;
                continue;
            }

            builder.Append(Encoding.UTF8.GetString(raw[runStart..i]));
            if (i + 1 >= raw.Length)
            {
                builder.Append(Replacement);
                i = raw.Length;
                runStart = i;
                break;
            }

            byte e = raw[i + 1];
            i += 2;
            switch (e)
            {
                case (byte)'n': builder.Append('\n'); break;
                case (byte)'r': builder.Append('\r'); break;
                case (byte)'t': builder.Append('\t'); break;
                case (byte)'b': builder.Append('\b'); break;
                case (byte)'f': builder.Append('\f'); break;
                case (byte)'u' when i + 4 <= raw.Length && TryHex(raw.Slice(i, 4), out char c):
                    builder.Append(c);
                    i += 4;
                    break;
                case (byte)'u':
                    builder.Append(Replacement);
                    break;
                default:
                    builder.Append((char)e); // \" \\ \/
                    break;
            }

            runStart = i;
        }

        builder.Append(Encoding.UTF8.GetString(raw[runStart..]));
        ReplaceLoneSurrogates(builder);
        return builder.ToString();
    }

    private static bool TryHex(ReadOnlySpan<byte> hex, out char c)
    {
        Span<char> chars = stackalloc char[4];
        for (int k = 0; k < 4; k++)
        {
            chars[k] = (char)hex[k];
        }

        bool ok = ushort.TryParse(chars, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ushort value);
        c = (char)value;
        return ok;
    }

    private static void ReplaceLoneSurrogates(StringBuilder builder)
    {
        for (int k = 0; k < builder.Length; k++)
        {
            char c = builder[k];
            if (char.IsHighSurrogate(c) && k + 1 < builder.Length && char.IsLowSurrogate(builder[k + 1]))
            {
                k++;
            }
            else if (char.IsSurrogate(c))
            {
                builder[k] = Replacement;
            }
        }
    }
}
