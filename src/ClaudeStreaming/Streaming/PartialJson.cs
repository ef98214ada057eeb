using System.Text;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>Parses tool input that may have been cut off (for example by <c>max_tokens</c>), keeping every complete member.</summary>
internal static class PartialJson
{
    /// <summary>Parses UTF-8 <paramref name="utf8Json"/>; when it is incomplete, parses the longest prefix that ends after a complete value, closed.</summary>
    /// <param name="utf8Json">The joined <c>partial_json</c> fragments, as UTF-8.</param>
    /// <param name="complete"><see langword="false"/> when the text was incomplete and a prefix was used.</param>
    /// <returns>The parsed input; an empty object when nothing usable arrived.</returns>
    public static JsonElement Parse(ReadOnlySpan<byte> utf8Json, out bool complete)
    {
        complete = true;
        if (utf8Json.Trim(" \t\r\n"u8).IsEmpty)
        {
            // Anthropic: when every fragment is "" (or there is none), the input stays the {} from content_block_start.
            return JsonDefaults.EmptyObject;
        }

        try
        {
            return JsonElement.Parse(utf8Json);
        }
        catch (JsonException)
        {
            complete = false;
        }

        // Rare (a reply cut off by max_tokens): repair on the decoded text.
        string? repaired = CloseAtLastCompleteValue(Encoding.UTF8.GetString(utf8Json));
        if (repaired is not null)
        {
            try
            {
                return JsonElement.Parse(repaired);
            }
            catch (JsonException)
            {
                // Fall through: the text was not JSON at all.
            }
        }

        return JsonDefaults.EmptyObject;
    }

    private const int ExpectKey = 0, ExpectColon = 1, ExpectValue = 2, AfterValue = 3;

    /// <summary>Cuts the text after its last complete value and appends the closers of the containers then open.</summary>
    /// <remarks>
    /// Linear in the length: the containers open at the last safe point are kept as a copy that is updated only from
    /// the depth where the stack changed since, so <c>[[[[…</c> costs one pass, not one pass per bracket.
    /// </remarks>
    internal static string? CloseAtLastCompleteValue(string s)
    {
        var containers = new List<char>();
        var states = new List<int>();
        var safeContainers = new List<char>();
        int unchangedDepth = 0; // containers[..unchangedDepth] are as they were at the last safe point
        int safeEnd = -1;
        int i = 0;

        void MarkSafe(int end)
        {
            safeEnd = end;
            safeContainers.RemoveRange(unchangedDepth, safeContainers.Count - unchangedDepth);
            for (int k = unchangedDepth; k < containers.Count; k++)
            {
                safeContainers.Add(containers[k]);
            }

            unchangedDepth = containers.Count;
        }

        void ValueDone()
        {
            if (states.Count > 0)
            {
                states[^1] = AfterValue;
            }
        }

        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            int state = states.Count > 0 ? states[^1] : (safeEnd >= 0 ? AfterValue : ExpectValue);
            bool inObject = containers.Count > 0 && containers[^1] == '{';

            if (state == ExpectKey)
            {
                if (c == '}')
                {
                    Close();
                    continue;
                }

                if (c != '"' || !SkipString(s, ref i))
                {
                    break;
                }

                states[^1] = ExpectColon;
                continue;
            }

            if (state == ExpectColon)
            {
                if (c != ':')
                {
                    break;
                }

                states[^1] = ExpectValue;
                i++;
                continue;
            }

            if (state == AfterValue)
            {
                if (states.Count == 0)
                {
                    break;
                }

                if (c == ',')
                {
                    states[^1] = inObject ? ExpectKey : ExpectValue;
                    i++;
                    continue;
                }

                if (c is '}' or ']')
                {
                    Close();
                    continue;
                }

                break;
            }

            // ExpectValue
            if (c == '{' || c == '[')
            {
                ValueDone();
                containers.Add(c);
                states.Add(c == '{' ? ExpectKey : ExpectValue);
                i++;
                MarkSafe(i);
                continue;
            }

            if (c == ']' && !inObject && containers.Count > 0)
            {
                Close();
                continue;
            }

            if (c == '"')
            {
                if (!SkipString(s, ref i))
                {
                    break;
                }

                ValueDone();
                MarkSafe(i);
                continue;
            }

            int start = i;
            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '+' or '.'))
            {
                i++;
            }

            if (i == start || i == s.Length)
            {
                // Not a value, or a number or literal that may have been cut short.
                break;
            }

            ValueDone();
            MarkSafe(i);
        }

        if (safeEnd < 0)
        {
            return null;
        }

        var repaired = new StringBuilder(safeEnd + safeContainers.Count);
        repaired.Append(s.AsSpan(0, safeEnd));
        for (int k = safeContainers.Count - 1; k >= 0; k--)
        {
            repaired.Append(safeContainers[k] == '{' ? '}' : ']');
        }

        return repaired.ToString();

        void Close()
        {
            containers.RemoveAt(containers.Count - 1);
            unchangedDepth = Math.Min(unchangedDepth, containers.Count);
            states.RemoveAt(states.Count - 1);
            ValueDone();
            i++;
            MarkSafe(i);
        }
    }

    /// <summary>Moves <paramref name="i"/> past the string that starts there; <see langword="false"/> when it is unterminated.</summary>
    private static bool SkipString(string s, ref int i)
    {
        for (int k = i + 1; k < s.Length; k++)
        {
            if (s[k] == '\\')
            {
                k++;
            }
            else if (s[k] == '"')
            {
                i = k + 1;
                return true;
            }
        }

        return false;
    }
}
