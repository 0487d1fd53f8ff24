namespace MmReplay.Arrow.Tests;

/// <summary>The repository root: the first folder above the test binaries holding Pipeline.sln.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Pipeline.sln not found above {AppContext.BaseDirectory}");
    }
}
