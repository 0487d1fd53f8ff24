using MmReplay.Ingest.Ftrace;

namespace MmReplay.Ingest.Tests.Ftrace;

/// <summary>Finds ../shared/traces/real beside the worktree (MMREPLAY_SHARED overrides) and parses its files.</summary>
internal static class SharedTraces
{
    public static string RealFolder
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("MMREPLAY_SHARED");
            if (!string.IsNullOrEmpty(env))
            {
                return Path.Combine(env, "traces", "real");
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "traces", "real");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("shared/traces/real not found above " + AppContext.BaseDirectory);
        }
    }

    public static string PathOf(string recording, string file) => Path.Combine(RealFolder, recording, file);

    public static (List<TraceEvent> Events, FtraceStats Stats, IReadOnlyList<FtraceMarker> Markers) Parse(string recording, string file)
    {
        using var stream = File.OpenRead(PathOf(recording, file));
        return FtraceReader.ParseAll(stream, Path.Combine(recording, file));
    }

    /// <summary>Parses ftrace text given inline (tests of the mapper).</summary>
    public static (List<TraceEvent> Events, FtraceStats Stats, IReadOnlyList<FtraceMarker> Markers) ParseText(string text, FtraceReaderOptions? options = null)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text));
        return FtraceReader.ParseAll(stream, "inline.txt", options);
    }
}
