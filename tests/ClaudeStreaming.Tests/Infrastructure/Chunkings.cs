namespace ClaudeStreaming.Tests;

/// <summary>Ways to cut a body into network reads: whole, one byte at a time, and seeded random splits.</summary>
public static class Chunkings
{
    public static readonly string[] Names = ["whole", "bytewise", "random1", "random2", "random3"];

    public static IEnumerable<object[]> All => Names.Select(n => new object[] { n });

    /// <summary>Chunk lengths that add up to <paramref name="length"/>.</summary>
    public static IReadOnlyList<int> Plan(string name, int length)
    {
        if (name == "whole" || length == 0)
        {
            return [length];
        }

        if (name == "bytewise")
        {
            return Enumerable.Repeat(1, length).ToArray();
        }

        var random = new Random(name.GetHashCode(StringComparison.Ordinal) & 0xFFFF ^ length);
        var plan = new List<int>();
        int left = length;
        while (left > 0)
        {
            // Mostly small cuts, so boundaries land inside field names, JSON, CRLF pairs and multibyte characters.
            int next = Math.Min(left, random.Next(4) == 0 ? random.Next(1, 200) : random.Next(1, 9));
            plan.Add(next);
            left -= next;
        }

        return plan;
    }
}
