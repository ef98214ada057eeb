namespace ClaudeStreaming.Tests;

/// <summary>
/// Finds <c>../shared/fixtures</c> beside the repository (other projects' data: read in place, never copied here).
/// Where the folder is absent (a clone elsewhere) the tests that need it skip and say so.
/// </summary>
internal static class SharedFixtures
{
    private static readonly Lazy<string?> Root = new(Locate);

    public static string? Directory => Root.Value;

    public const string MissingMessage =
        "../shared/fixtures is not beside this clone; the recorded-stream tests skip (the repo's own fixtures still run).";

    /// <summary>Returns the path of a fixture file, or skips the calling test when the shared folder is absent.</summary>
    public static string PathOf(string relative)
    {
        Skip.If(Root.Value is null, MissingMessage);
        string path = Path.Combine(Root.Value!, relative);
        Assert.True(File.Exists(path), $"fixture {relative} not found in {Root.Value}");
        return path;
    }

    /// <summary>Names of files in a fixture folder, for theory data; a single placeholder when the folder is absent.</summary>
    public static IEnumerable<object[]> Files(string folder, string pattern)
    {
        if (Root.Value is null || !System.IO.Directory.Exists(Path.Combine(Root.Value, folder)))
        {
            return [["(shared fixtures absent)"]];
        }

        return System.IO.Directory.GetFiles(Path.Combine(Root.Value, folder), pattern)
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .Select(name => new object[] { name! });
    }

    private static string? Locate()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            if (File.Exists(Path.Combine(dir, "ClaudeStreaming.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir, "..", "shared", "fixtures"));
                return System.IO.Directory.Exists(candidate) ? candidate : null;
            }

            dir = Path.GetDirectoryName(dir);
        }

        return null;
    }
}
