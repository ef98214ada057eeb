namespace ClaudeStreaming.Extensions.AI.Tests;

/// <summary>
/// Finds <c>../shared/fixtures</c> beside the repository (other projects' data: read in place, never copied here).
/// Where the folder is absent (a clone elsewhere) the tests that need it skip and say so.
/// </summary>
internal static class SharedFixtures
{
    public const string SdkFolder = "anthropic-sdk-csharp";

    private const string MissingMessage = "../shared/fixtures is not beside this clone; the official SDK's M.E.AI fixture tests skip.";

    private static readonly Lazy<string?> Root = new(Locate);

    /// <summary>Returns the bytes of one of the official SDK's <c>meai-*.sse</c> files, or skips the calling test when the folder is absent.</summary>
    public static byte[] Meai(string testName)
    {
        Skip.If(Root.Value is null, MissingMessage);
        string path = Path.Combine(Root.Value!, SdkFolder, $"meai-GetStreamingResponseAsync_{testName}.sse");
        Assert.True(System.IO.File.Exists(path), $"fixture {path} not found");
        return System.IO.File.ReadAllBytes(path);
    }

    /// <summary>Skips the calling test when the folder is absent (theory data then holds a single placeholder).</summary>
    public static void SkipIfAbsent() => Skip.If(Root.Value is null, MissingMessage);

    /// <summary>Names of all <c>meai-*.sse</c> files, for theory data; a single placeholder when the folder is absent.</summary>
    public static IEnumerable<object[]> AllMeai()
    {
        string? folder = Root.Value is null ? null : Path.Combine(Root.Value, SdkFolder);
        if (folder is null || !Directory.Exists(folder))
        {
            return [["(shared fixtures absent)"]];
        }

        return Directory.GetFiles(folder, "meai-*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(name => new object[] { name! });
    }

    private static string? Locate()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null)
        {
            if (System.IO.File.Exists(Path.Combine(dir, "ClaudeStreaming.sln")))
            {
                string candidate = Path.GetFullPath(Path.Combine(dir, "..", "shared", "fixtures"));
                return Directory.Exists(candidate) ? candidate : null;
            }

            dir = Path.GetDirectoryName(dir);
        }

        return null;
    }
}
