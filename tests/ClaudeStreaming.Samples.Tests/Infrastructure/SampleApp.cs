using System.Reflection;

namespace ClaudeStreaming.Samples.Tests.Infrastructure;

/// <summary>Finds a sample's build output: samples/{name}/bin/{configuration}/{tfm}/{name}.dll.</summary>
internal static class SampleApp
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string ProjectDirectory(string name) => Path.Combine(RepositoryRoot, "samples", name);

    /// <summary>The sample's entry assembly, built in the same configuration and framework as these tests.</summary>
    public static string DllPath(string name)
    {
        // The test project references every sample, so they are built first, in the configuration of this build.
        string configuration = typeof(SampleApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
            ?? "Debug";
        string framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Name;
        string path = Path.Combine(ProjectDirectory(name), "bin", configuration, framework, name + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The {name} sample is not built at {path}. Build the solution first.", path);
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ClaudeStreaming.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No ClaudeStreaming.sln above {AppContext.BaseDirectory}.");
    }
}
