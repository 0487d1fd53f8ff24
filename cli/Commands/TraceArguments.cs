namespace MmReplay.Cli.Commands;

/// <summary>Expands trace arguments: files, folders (their trace files) and globs in the last path segment.</summary>
public static class TraceArguments
{
    private static readonly string[] TracePatterns = ["*.csv", "*.csv.gz", "*.arrow", "*.txt"];

    public static List<string> Expand(IEnumerable<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            if (Directory.Exists(argument))
            {
                foreach (var pattern in TracePatterns)
                {
                    found.UnionWith(Directory.GetFiles(argument, pattern));
                }
            }
            else if (argument.Contains('*', StringComparison.Ordinal) || argument.Contains('?', StringComparison.Ordinal))
            {
                var folder = Path.GetDirectoryName(argument);
                folder = string.IsNullOrEmpty(folder) ? "." : folder;
                if (Directory.Exists(folder))
                {
                    found.UnionWith(Directory.GetFiles(folder, Path.GetFileName(argument)));
                }
            }
            else
            {
                // A missing file is reported by the run itself, with exit code 66.
                found.Add(argument);
            }
        }

        return [.. found];
    }
}
