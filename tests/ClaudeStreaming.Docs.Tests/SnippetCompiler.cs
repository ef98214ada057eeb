using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace ClaudeStreaming.Docs.Tests;

/// <summary>Compiles a snippet as a user's project would: implicit usings of a web app, the libraries, the JSON and logging source generators.</summary>
internal static class SnippetCompiler
{
    // The implicit usings of an ASP.NET Core project (a superset of a console app's).
    private const string GlobalUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Net.Http.Json;
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.AspNetCore.Builder;
        global using Microsoft.AspNetCore.Hosting;
        global using Microsoft.AspNetCore.Http;
        global using Microsoft.AspNetCore.Routing;
        global using Microsoft.Extensions.Configuration;
        global using Microsoft.Extensions.DependencyInjection;
        global using Microsoft.Extensions.Hosting;
        global using Microsoft.Extensions.Logging;
        """;

    private static readonly CSharpParseOptions s_parse = CSharpParseOptions.Default.WithLanguageVersion(LanguageVersion.Preview);

    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
        [.. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(path => path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))]);

    private static readonly Lazy<ImmutableArray<ISourceGenerator>> s_generators = new(LoadGenerators);

    /// <summary>Returns the errors of compiling the snippet, formatted with the snippet's own line numbers.</summary>
    public static IReadOnlyList<string> Errors(DocSnippet snippet)
    {
        SyntaxTree code = CSharpSyntaxTree.ParseText(snippet.Code, s_parse, path: snippet.File);
        var root = (CompilationUnitSyntax)code.GetRoot();
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(GlobalUsings, s_parse, path: "GlobalUsings.g.cs") };

        if (snippet.Context is { } context)
        {
            // The context's statements go after the snippet's usings and before its statements (top-level statements
            // come first in a file); its usings become global usings and its types a file of their own.
            var contextRoot = (CompilationUnitSyntax)CSharpSyntaxTree.ParseText(context, s_parse).GetRoot();
            string statements = string.Concat(contextRoot.Members.OfType<GlobalStatementSyntax>().Select(s => s.ToFullString()));
            string types = string.Concat(contextRoot.Members.Where(m => m is not GlobalStatementSyntax).Select(m => m.ToFullString()));
            string usings = string.Concat(contextRoot.Usings.Select(u => "global " + u.ToString() + "\n"));
            if (statements.Length > 0)
            {
                int bodyStart = root.Usings.Count > 0 ? root.Usings.Last().FullSpan.End : 0;
                int bodyLine = snippet.Code.AsSpan(0, bodyStart).Count('\n') + 1;
                // #line keeps the snippet's own line numbers in the messages.
                string combined = snippet.Code[..bodyStart] + "\n#line 9999 \"context\"\n" + statements + $"\n#line {bodyLine} \"{snippet.File}\"\n" + snippet.Code[bodyStart..];
                code = CSharpSyntaxTree.ParseText(combined, s_parse, path: snippet.File);
                root = (CompilationUnitSyntax)code.GetRoot();
            }

            trees.Add(CSharpSyntaxTree.ParseText(usings + types, s_parse, path: "Context.cs"));
        }

        trees.Add(code);
        bool program = root.Members.Any(m => m is GlobalStatementSyntax) || root.DescendantNodes().OfType<MethodDeclarationSyntax>().Any(m => m.Identifier.Text == "Main" && m.Modifiers.Any(SyntaxKind.StaticKeyword));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(program ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: false));

        GeneratorDriver driver = CSharpGeneratorDriver.Create(s_generators.Value, parseOptions: s_parse);
        driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation generated, out ImmutableArray<Diagnostic> generatorDiagnostics);
        return [.. generatorDiagnostics.Concat(generated.GetDiagnostics())
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => $"{snippet}: snippet line {d.Location.GetMappedLineSpan().StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}")];
    }

    /// <summary>The source generators a user's project runs: System.Text.Json's, from the shared framework's ref pack, and the logging generator.</summary>
    private static ImmutableArray<ISourceGenerator> LoadGenerators()
    {
        string dotnetRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        string version = Path.GetFileName(Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory()));
        string analyzers = Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref", version, "analyzers", "dotnet", "cs");
        if (!Directory.Exists(analyzers))
        {
            // Any installed ref pack of the same major version has the same generators.
            analyzers = Directory.GetDirectories(Path.Combine(dotnetRoot, "packs", "Microsoft.NETCore.App.Ref"), Environment.Version.Major + ".*")
                .Select(d => Path.Combine(d, "analyzers", "dotnet", "cs")).Last(Directory.Exists);
        }

        var loader = new AssemblyLoader();
        return [.. Directory.GetFiles(analyzers, "System.Text.Json.SourceGeneration.dll")
            .Concat(Directory.GetFiles(analyzers, "Microsoft.Extensions.Logging.Generators.dll"))
            .SelectMany(path => new AnalyzerFileReference(path, loader).GetGenerators(LanguageNames.CSharp))];
    }

    private sealed class AssemblyLoader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public System.Reflection.Assembly LoadFromPath(string fullPath) =>
            System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(fullPath);
    }
}
