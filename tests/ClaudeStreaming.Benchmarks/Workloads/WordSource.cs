using System.Text;

namespace ClaudeStreaming.Benchmarks.Workloads;

/// <summary>Seeded word generator: ASCII prose, accented Latin, Greek/Cyrillic/Hebrew, CJK, emoji (ZWJ, skin tones, flags) and JSON-hostile punctuation.</summary>
internal sealed class WordSource
{
    private static readonly string[] Ascii =
    [
        "the", "stream", "of", "tokens", "arrives", "quickly", "and", "a", "parser", "must", "keep", "up", "with", "it",
        "JSON", "data", "event", "model", "reply", "is", "fast", "byte", "buffer", "value", "field", "client", "server",
        "latency", "memory", "socket", "answer", "question", "because", "therefore", "however", "we", "can", "see",
        "that", "this", "function", "returns", "an", "array", "list", "of", "numbers:", "42,", "3.14,", "-7.", "(see", "above)",
    ];

    private static readonly string[] Accented =
    [
        "café", "naïve", "Zürich", "façade", "señor", "Ørsted", "crème", "brûlée", "Ελληνικά", "русский", "עברית", "Đà Nẵng",
        "Ångström", "smørrebrød", "straße", "€12,50", "µs", "±0.5", "→", "…",
    ];

    private static readonly string[] Cjk =
    [
        "日本語", "中文字符", "한국어", "漢字かな交じり文", "東京", "流式传输", "こんにちは", "世界", "ストリーム",
    ];

    private static readonly string[] Emoji =
    [
        "😀", "🚀", "👩‍💻", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👍🏽", "🇯🇵", "❤️", "🧑🏾‍🚀", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "𝄞", "🤖",
    ];

    private static readonly string[] Hostile =
    [
        "\"quoted\"", "back\\slash", "C:\\Program Files\\app", "tab\there", "line\nbreak", "</script>", "a&b<c>",
        "{\"k\": [1, 2]}", "50%", "path/to/file", "\r\n", "'single'", "\\u0041-literal",
    ];

    private readonly Random _rng;

    public WordSource(Random rng) => _rng = rng;

    public string Word()
    {
        int roll = _rng.Next(100);
        string[] pool = roll < 68 ? Ascii : roll < 80 ? Accented : roll < 88 ? Cjk : roll < 95 ? Emoji : Hostile;
        return pool[_rng.Next(pool.Length)];
    }

    /// <summary>A delta's text: 1..maxWords words, each preceded by a space (tokens usually carry the leading space).</summary>
    public string Words(int minWords, int maxWords)
    {
        int n = _rng.Next(minWords, maxWords + 1);
        var sb = new StringBuilder();
        for (int i = 0; i < n; i++)
        {
            sb.Append(' ').Append(Word());
        }

        return sb.ToString();
    }
}
