using System.Diagnostics;

namespace MmReplay.Cli.Tests;

/// <summary>Runs the real `mmreplay` in a child process, as a user would, from the repository root.</summary>
public static class CliRunner
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    public static Result Run(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "mmreplay.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mmreplay {string.Join(' ', args)} did not finish in 2 minutes");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>A fresh empty directory under the system temp folder.</summary>
    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mmreplay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Pipeline.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Pipeline.sln not found above " + AppContext.BaseDirectory);
    }
}
