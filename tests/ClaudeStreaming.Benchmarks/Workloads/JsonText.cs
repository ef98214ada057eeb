using System.Globalization;
using System.Text;

namespace ClaudeStreaming.Benchmarks.Workloads;

/// <summary>
/// Writes JSON string literals by hand so that the generator decides, character by character, which ones go on the
/// wire as literal UTF-8 and which as escapes (<c>\uXXXX</c>, surrogate pairs as two escapes, <c>\/</c>).
/// </summary>
internal static class JsonText
{
    public static void AppendString(StringBuilder sb, string value, Random rng, double escapeNonAscii)
    {
        sb.Append('"');
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '/':
                    sb.Append(rng.Next(4) == 0 ? "\\/" : "/");
                    break;
                default:
                    if (c < 0x20)
                    {
                        AppendEscape(sb, c, rng);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        // One decision per code point: a pair is either two escapes or four literal UTF-8 bytes.
                        if (rng.NextDouble() < escapeNonAscii)
                        {
                            AppendEscape(sb, c, rng);
                            AppendEscape(sb, value[i + 1], rng);
                        }
                        else
                        {
                            sb.Append(c).Append(value[i + 1]);
                        }

                        i++;
                    }
                    else if (c >= 0x80 && rng.NextDouble() < escapeNonAscii)
                    {
                        AppendEscape(sb, c, rng);
                    }
                    else if (c < 0x80 && char.IsAsciiLetter(c) && rng.Next(2000) == 0)
                    {
                        AppendEscape(sb, c, rng);
                    }
                    else
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }

        sb.Append('"');
    }

    private static void AppendEscape(StringBuilder sb, char c, Random rng)
    {
        // Both hex cases are legal JSON; mix them.
        sb.Append("\\u").Append(((int)c).ToString(rng.Next(2) == 0 ? "x4" : "X4", CultureInfo.InvariantCulture));
    }
}
