namespace MmReplay.Oracle;

/// <summary>
/// Where the oracle's tools and caches are. The cache is <c>$MMREPLAY_ORACLE_CACHE</c>, else the repository's
/// <c>.cache/oracle</c> (found above the working directory or the assembly), else <c>~/.cache/mmreplay/oracle</c>.
/// </summary>
public sealed record OracleEnvironment(string CacheDirectory, string? Qemu, string? Gcc, string? Busybox)
{
    public const string SetupCommand = "tools/oracle/setup.sh";

    public static OracleEnvironment Detect() => new(
        FindCacheDirectory(),
        FindOnPath("qemu-system-x86_64"),
        FindOnPath("gcc"),
        File.Exists("/bin/busybox") ? "/bin/busybox" : FindOnPath("busybox"));

    /// <summary>What is missing to boot a kernel, as a sentence for a skip or failure message; null when nothing is.</summary>
    public string? MissingTools()
    {
        var missing = new List<string>();
        if (Qemu is null)
            missing.Add("qemu-system-x86_64");
        if (Gcc is null)
            missing.Add("gcc");
        if (Busybox is null)
            missing.Add("busybox (busybox-static)");
        return missing.Count == 0 ? null : $"missing {string.Join(", ", missing)}: run {SetupCommand}";
    }

    /// <summary>The kernels setup.sh fetched (kernels.tsv in the cache), keyed by series ("5.10", "6.1", "6.12").</summary>
    public IReadOnlyDictionary<string, OracleKernel> Kernels() => OracleKernelTable.Load(Path.Combine(CacheDirectory, "kernels.tsv"));

    private static string FindCacheDirectory()
    {
        string? configured = Environment.GetEnvironmentVariable("MMREPLAY_ORACLE_CACHE");
        if (!string.IsNullOrEmpty(configured))
            return Path.GetFullPath(configured);
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, SetupCommand)))
                    return Path.Combine(dir.FullName, ".cache", "oracle");
            }
        }
        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "mmreplay", "oracle");
    }

    private static string? FindOnPath(string tool)
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, tool);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }
}
