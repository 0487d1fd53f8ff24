using System.Diagnostics;
using System.Text.Json;

namespace MmReplay.Arrow.Tests;

/// <summary>Runs the reference readers in tools/arrow-interop (node + apache-arrow + nodejs-polars).</summary>
internal static class NodeTools
{
    public static string InteropFolder { get; } = Path.Combine(RepoRoot.Path, "tools", "arrow-interop");

    /// <summary>Why the node tools cannot run here, or null when they can.</summary>
    public static string? MissingReason { get; } = FindMissing();

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Run <c>node tools/arrow-interop/&lt;script&gt; args</c> and parse its JSON stdout.</summary>
    public static JsonElement RunJson(string script, params string[] args)
    {
        var output = Run(script, args);
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    public static string Run(string script, params string[] args)
    {
        var start = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot.Path,
        };
        start.ArgumentList.Add(Path.Combine(InteropFolder, script));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} {string.Join(' ', args)} exited {process.ExitCode}:\n{stderr.Result}");
        }

        return stdout;
    }

    private static string? FindMissing()
    {
        if (!Directory.Exists(Path.Combine(InteropFolder, "node_modules", "apache-arrow")) ||
            !Directory.Exists(Path.Combine(InteropFolder, "node_modules", "nodejs-polars")))
        {
            return "tools/arrow-interop/node_modules missing: run `npm ci --prefix tools/arrow-interop --no-audit --no-fund`";
        }

        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            process?.WaitForExit();
            return process is { ExitCode: 0 } ? null : "node did not run";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "node is not installed";
        }
    }
}
