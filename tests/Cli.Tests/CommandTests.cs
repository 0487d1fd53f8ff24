namespace MmReplay.Cli.Tests;

/// <summary>The smaller commands, run as a user would.</summary>
public sealed class CommandTests
{
    [Fact]
    public void Inspect_prints_schema_rows_and_values_of_a_table()
    {
        var dir = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run("replay", "traces/default.csv", "--out", dir, "--progress", "never", "-q").ExitCode);

        var result = CliRunner.Run("inspect", Path.Combine(dir, "tlb_flush_summary.arrow"));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("logical_flushes: int64", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("mmreplay.table = tlb_flush_summary", result.Stdout, StringComparison.Ordinal);
        // three op kinds flushed in the default trace: mprotect, write, munmap (see DefaultTraceTests), plus
        // the task switches of mmap and read
        Assert.Contains("munmap", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_of_a_cut_file_exits_65_and_names_the_problem()
    {
        var dir = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run("replay", "traces/default.csv", "--out", dir, "--progress", "never", "-q").ExitCode);
        var cut = Path.Combine(dir, "cut.arrow");
        var bytes = File.ReadAllBytes(Path.Combine(dir, "faults.arrow"));
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);

        var result = CliRunner.Run("inspect", cut);

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("cut.arrow", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Gen_is_reproducible_and_strictly_replayable()
    {
        var dir = CliRunner.TempDir();
        string[] gen = ["gen", "--workload", "munmap-storm", "--seed", "5", "--events", "2000"];
        Assert.Equal(0, CliRunner.Run([.. gen, "--out", Path.Combine(dir, "a.csv")]).ExitCode);
        Assert.Equal(0, CliRunner.Run([.. gen, "--out", Path.Combine(dir, "b.csv")]).ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(dir, "a.csv")), File.ReadAllBytes(Path.Combine(dir, "b.csv")));

        var replay = CliRunner.Run("replay", Path.Combine(dir, "a.csv"), "--strict", "--out", Path.Combine(dir, "out"), "--progress", "never");
        Assert.Equal(0, replay.ExitCode);
        // several threads on several CPUs unmapping shared memory: remote shootdowns happen
        Assert.Matches(@"ipis\s+[1-9]", replay.Stdout);
    }

    [Fact]
    public void Policies_lists_presets_and_knobs_with_commits()
    {
        var result = CliRunner.Run("policies");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("linux-4.14", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("linux-4.15", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("debian-5.10.223", result.Stdout, StringComparison.Ordinal);
        // the 6.0 mprotect change is named by its commit
        Assert.Contains("4a18419f71cd", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_round_trips_a_trace_through_arrow()
    {
        var dir = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run("convert", "traces/default.csv", Path.Combine(dir, "t.arrow")).ExitCode);
        Assert.Equal(0, CliRunner.Run("convert", Path.Combine(dir, "t.arrow"), Path.Combine(dir, "t.csv")).ExitCode);
        var a = CliRunner.Run("replay", "traces/default.csv", "--out", Path.Combine(dir, "a"), "--progress", "never", "-q");
        var b = CliRunner.Run("replay", Path.Combine(dir, "t.arrow"), "--out", Path.Combine(dir, "b"), "--progress", "never", "-q");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(0, b.ExitCode);
        // same events, so the same tables (the trace name column differs: compare the flush rows' content)
        var flushesA = ArrowTable.Read(Path.Combine(dir, "a", "tlb_flushes.arrow")).Rows.Select(r => $"{r["line"]} {r["reason"]} {r["pages"]}");
        var flushesB = ArrowTable.Read(Path.Combine(dir, "b", "tlb_flushes.arrow")).Rows.Select(r => $"{r["line"]} {r["reason"]} {r["pages"]}");
        Assert.Equal(flushesA, flushesB);
    }
}
