using Xunit.Abstractions;

namespace ClaudeStreaming.Docs.Tests;

/// <summary>Every C# block in the README, docs/ and the package readmes compiles against the libraries as they are.</summary>
public sealed class DocSnippetTests(ITestOutputHelper output)
{
    private static readonly string s_root = FindRoot();

    public static TheoryData<string> Documents()
    {
        var data = new TheoryData<string>();
        foreach (string path in DocumentPaths())
        {
            data.Add(path);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Documents))]
    public void Snippets_InDocument_Compile(string document)
    {
        var errors = new List<string>();
        int compiled = 0;
        foreach (DocSnippet snippet in DocSnippet.Read(s_root, document))
        {
            if (snippet.SkipReason is { } reason)
            {
                Assert.False(string.IsNullOrWhiteSpace(reason), $"{snippet}: a not-compiled snippet must say why");
                output.WriteLine($"{snippet}: not compiled ({reason})");
                continue;
            }

            errors.AddRange(SnippetCompiler.Errors(snippet));
            compiled++;
        }

        output.WriteLine($"{document}: {compiled} snippet(s) compiled");
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [Fact]
    public void Documents_IncludeTheReadmeAndEveryDocsPage()
    {
        List<string> documents = [.. DocumentPaths()];
        Assert.Contains("README.md", documents);
        Assert.Contains(Path.Combine("docs", "getting-started.md"), documents);
        Assert.True(documents.Count(d => d.StartsWith("src", StringComparison.Ordinal)) >= 2, "the package readmes are checked too");
    }

    [Fact]
    public void Compiler_BrokenSnippet_ReportsTheError()
    {
        // The checker itself must be able to fail: a call to a member that does not exist is reported.
        var snippet = new DocSnippet("test.md", 1, "using ClaudeStreaming;\nvar client = new ClaudeClient();\nclient.Messages.NoSuchMethod();\n", null, null);
        Assert.Contains(SnippetCompiler.Errors(snippet), e => e.Contains("CS1061", StringComparison.Ordinal));
    }

    [Fact]
    public void Compiler_ContextAndJsonSourceGenerator_AreApplied()
    {
        var snippet = new DocSnippet("test.md", 1, """
            using System.Text.Json;
            string json = JsonSerializer.Serialize(new Weather("Paris"), MyJsonContext.Default.Weather);
            Console.WriteLine(json + request.Model);
            """,
            """
            using System.Text.Json.Serialization;
            ClaudeStreaming.MessageRequest request = null!;
            record Weather(string City);
            [JsonSerializable(typeof(Weather))] partial class MyJsonContext : JsonSerializerContext;
            """, null);
        Assert.Empty(SnippetCompiler.Errors(snippet));
    }

    private static IEnumerable<string> DocumentPaths()
    {
        yield return "README.md";
        foreach (string file in Directory.GetFiles(Path.Combine(s_root, "docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return Path.GetRelativePath(s_root, file);
        }

        foreach (string project in Directory.GetDirectories(Path.Combine(s_root, "src")).Order(StringComparer.Ordinal))
        {
            foreach (string name in new[] { "README.md", "PACKAGE.md" })
            {
                if (File.Exists(Path.Combine(project, name)))
                {
                    yield return Path.GetRelativePath(s_root, Path.Combine(project, name));
                }
            }
        }
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ClaudeStreaming.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ClaudeStreaming.sln above {AppContext.BaseDirectory}.");
    }
}
