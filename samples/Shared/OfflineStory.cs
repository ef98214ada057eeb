using ClaudeStreaming.Testing;

/// <summary>
/// The canned reply the samples stream when <c>ANTHROPIC_API_KEY</c> is not set: a short paragraph with some non-ASCII
/// text (é, 日本, 🚀), two words per delta at a 25 ms pace, with realistic usage. Sample content, so it lives with the
/// samples rather than in the ClaudeStreaming.Testing package.
/// </summary>
internal static class OfflineStory
{
    /// <summary>Gets the scripted story reply.</summary>
    public static FakeReply Reply { get; } = FakeReply.Create()
        .Text(
            "Once upon a time, in a small café by the harbour, a curious robot named Pixel learned to brew the " +
            "perfect espresso. Travellers came from as far as 日本 to taste it, and every cup arrived with a " +
            "tiny paper rocket 🚀 folded from the order slip. \"Good coffee,\" Pixel liked to say, \"is just " +
            "patience, served warm.\" Naïve or not, everyone who visited left a little happier than before.",
            wordsPerDelta: 2)
        .Usage(input: 24, output: 92)
        .Pace(TimeSpan.FromMilliseconds(25));
}
