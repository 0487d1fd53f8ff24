using MmReplay.Analyze.Validation;
using MmReplay.Ingest;
using MmReplay.Ingest.Ftrace;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tests.Validation;

/// <summary>Finds ../shared/traces/real beside the worktree (MMREPLAY_SHARED overrides) and validates ftrace text.</summary>
internal static class Recording
{
    public static string PathOf(string recording, string file)
    {
        var env = Environment.GetEnvironmentVariable("MMREPLAY_SHARED");
        if (!string.IsNullOrEmpty(env))
        {
            return Path.Combine(env, "traces", "real", recording, file);
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "traces", "real");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(candidate, recording, file);
            }
        }

        throw new DirectoryNotFoundException("shared/traces/real not found above " + AppContext.BaseDirectory);
    }

    public static Validated Validate(string recording, string file)
    {
        using var stream = File.OpenRead(PathOf(recording, file));
        return Validate(stream);
    }

    public static Validated ValidateText(string text) =>
        Validate(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)));

    private static Validated Validate(Stream stream)
    {
        var reader = new FtraceReader(stream, "trace", new FtraceReaderOptions { KeepSyscallWindows = true });
        var events = new List<TraceEvent>();
        bool more;
        do
        {
            var batch = new EventBatch();
            more = reader.FillBatch(batch);
            events.AddRange(batch.Events);
            batch.Release();
        }
        while (more);

        var cpus = 1;
        foreach (var e in events)
        {
            cpus = Math.Max(cpus, e.Cpu + 1);
        }

        return new Validated(TraceValidator.Validate(events, reader.SyscallWindows, KernelPolicy.Preset("latest"), cpus), reader.Markers);
    }
}
