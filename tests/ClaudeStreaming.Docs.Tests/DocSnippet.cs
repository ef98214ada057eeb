using System.Text.RegularExpressions;

namespace ClaudeStreaming.Docs.Tests;

/// <summary>One <c>```csharp</c> block of a Markdown file, with the context it declares it assumes.</summary>
/// <remarks>
/// A snippet may be preceded by <c>&lt;!-- snippet-context: ... --&gt;</c>: C# that declares what the snippet uses but
/// does not show (<c>ClaudeClient client = null!;</c>, or a type it refers to). It is invisible on a rendered page.
/// <c>&lt;!-- snippet: not-compiled (reason) --&gt;</c> exempts a block; the reason is required and reported.
/// </remarks>
internal sealed partial record DocSnippet(string File, int Line, string Code, string? Context, string? SkipReason)
{
    public override string ToString() => $"{File}:{Line}";

    public static IEnumerable<DocSnippet> Read(string root, string relativePath)
    {
        string text = System.IO.File.ReadAllText(Path.Combine(root, relativePath)).ReplaceLineEndings("\n");
        foreach (Match block in CodeBlock().Matches(text))
        {
            int line = text.AsSpan(0, block.Index).Count('\n') + 2;
            string before = text[..block.Index].TrimEnd();
            string? context = null;
            string? skip = null;
            if (before.EndsWith("-->", StringComparison.Ordinal))
            {
                int start = before.LastIndexOf("<!--", StringComparison.Ordinal);
                string comment = before[(start + 4)..^3].Trim();
                if (comment.StartsWith("snippet-context:", StringComparison.Ordinal))
                {
                    context = comment["snippet-context:".Length..];
                }
                else if (comment.StartsWith("snippet: not-compiled", StringComparison.Ordinal))
                {
                    skip = comment["snippet: not-compiled".Length..].Trim(' ', '(', ')');
                }
            }

            yield return new DocSnippet(relativePath, line, block.Groups["code"].Value, context, skip);
        }
    }

    [GeneratedRegex(@"^```(?:csharp|cs|c#)[ \t]*\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
