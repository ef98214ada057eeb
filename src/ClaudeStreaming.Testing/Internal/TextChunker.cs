using System.Collections.Immutable;

namespace ClaudeStreaming.Testing.Internal;

/// <summary>Cuts text into delta-sized pieces whose concatenation is the original text.</summary>
internal static class TextChunker
{
    /// <summary>Groups words; whitespace belongs to the word after it, so "Hello there" is "Hello", " there".</summary>
    public static ImmutableArray<string> ByWords(string text, int wordsPerDelta)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var pieces = ImmutableArray.CreateBuilder<string>();
        int start = 0;
        int words = 0;
        for (int i = 1; i < text.Length; i++)
        {
            // A word starts where non-whitespace follows whitespace.
            if (!char.IsWhiteSpace(text[i]) && char.IsWhiteSpace(text[i - 1]) && ++words == wordsPerDelta)
            {
                // Cut before the whitespace run that precedes this word.
                int cut = i;
                while (cut > start && char.IsWhiteSpace(text[cut - 1]))
                {
                    cut--;
                }

                if (cut > start)
                {
                    pieces.Add(text[start..cut]);
                    start = cut;
                }

                words = 0;
            }
        }

        pieces.Add(text[start..]);
        return pieces.ToImmutable();
    }

    /// <summary>
    /// The <c>input_json_delta</c> fragments of a tool input: "" first (as the API sends), then cuts every
    /// <paramref name="length"/> characters regardless of JSON structure, never inside a surrogate pair.
    /// </summary>
    public static ImmutableArray<string> JsonFragments(string json, int length)
    {
        var pieces = ImmutableArray.CreateBuilder<string>();
        pieces.Add(string.Empty);
        int start = 0;
        while (start < json.Length)
        {
            int end = Math.Min(start + length, json.Length);
            if (end < json.Length && char.IsHighSurrogate(json[end - 1]))
            {
                end++;
            }

            pieces.Add(json[start..end]);
            start = end;
        }

        return pieces.ToImmutable();
    }
}
