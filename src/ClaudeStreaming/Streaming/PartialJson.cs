using System.Text;
using System.Text.Json;

namespace ClaudeStreaming;

/// <summary>Parses tool input that may have been cut off (for example by <c>max_tokens</c>), keeping every complete member.</summary>
internal static class PartialJson
{
    /// <summary>Parses <paramref name="json"/>; when it is incomplete, parses the longest prefix that ends after a complete value, closed.</summary>
    /// <param name="json">The joined <c>partial_json</c> fragments.</param>
    /// <param name="complete"><see langword="false"/> when the text was incomplete and a prefix was used.</param>
    /// <returns>The parsed input; an empty object when nothing usable arrived.</returns>
    public static JsonElement Parse(string json, out bool complete) => Parse(Encoding.UTF8.GetBytes(json), out complete);

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
    internal static string? CloseAtLastCompleteValue(string s)
    {
        var containers = new List<char>();
        var states = new List<int>();
        int safeEnd = -1;
        string safeClosers = "";
        int i = 0;

        void MarkSafe(int end)
        {
            safeEnd = end;
            var closers = new StringBuilder(containers.Count);
            for (int k = containers.Count - 1; k >= 0; k--)
            {
                closers.Append(containers[k] == '{' ? '}' : ']');
            }

            safeClosers = closers.ToString();
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

        return safeEnd < 0 ? null : string.Concat(s.AsSpan(0, safeEnd), safeClosers);

        void Close()
        {
            containers.RemoveAt(containers.Count - 1);
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
