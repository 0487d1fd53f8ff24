namespace MmReplay.Cli.Tests;

/// <summary>
/// `mmreplay batch`: the dataset depends only on traces, policies and seed — not on --jobs, --shard or
/// interruptions. Uses the scenario traces (small, many).
/// </summary>
public sealed class BatchTests
{
    private const string Policies = "linux-4.14,latest";

    private static string[] Batch(string dataset, params string[] extra) =>
        ["batch", "traces/scenarios", "--policies", Policies, "--out", dataset, "--progress", "never", "-q", .. extra];

    /// <summary>Every file of the dataset (relative path -> bytes), except the one documented as not reproducible.</summary>
    private static SortedDictionary<string, byte[]> Snapshot(string dataset)
    {
        var files = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(dataset, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(dataset, file);
            if (relative != "_timing.json")
            {
                files[relative] = File.ReadAllBytes(file);
            }
        }

        return files;
    }

    private static void AssertSameDataset(string expected, string actual)
    {
        var a = Snapshot(expected);
        var b = Snapshot(actual);
        Assert.Equal(a.Keys, b.Keys);
        foreach (var (file, bytes) in a)
        {
            Assert.True(bytes.AsSpan().SequenceEqual(b[file]), $"{file} differs");
        }
    }

    [Fact]
    public void Jobs_one_and_eight_give_the_same_bytes()
    {
        var one = CliRunner.TempDir();
        var eight = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run(Batch(one, "--jobs", "1")).ExitCode);
        Assert.Equal(0, CliRunner.Run(Batch(eight, "--jobs", "8")).ExitCode);

        var traces = Directory.GetFiles(Path.Combine(CliRunner.RepoRoot, "traces", "scenarios"), "*.csv").Length;
        // one partition per trace and policy, each with its tables and manifest
        Assert.Equal(2 * traces, Directory.GetDirectories(one, "trace=*", SearchOption.AllDirectories).Length);
        Assert.True(File.Exists(Path.Combine(one, "policy=latest", "trace=fork-cow", "tlb_flushes.arrow")));
        Assert.True(File.Exists(Path.Combine(one, "policy=linux-4.14", "trace=fork-cow", "manifest.json")));
        AssertSameDataset(one, eight);
    }

    [Fact]
    public void Shards_union_to_the_single_machine_result()
    {
        var whole = CliRunner.TempDir();
        var sharded = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run(Batch(whole)).ExitCode);
        Assert.Equal(0, CliRunner.Run(Batch(sharded, "--shard", "0/2")).ExitCode);
        var afterFirst = Directory.GetDirectories(sharded, "trace=*", SearchOption.AllDirectories).Length;
        Assert.Equal(0, CliRunner.Run(Batch(sharded, "--shard", "1/2")).ExitCode);

        // each shard did a proper part of the work, and together they did all of it
        var total = Directory.GetDirectories(whole, "trace=*", SearchOption.AllDirectories).Length;
        Assert.InRange(afterFirst, 1, total - 1);
        // the last shard rebuilt the dataset manifest from every complete partition
        AssertSameDataset(whole, sharded);
    }

    [Fact]
    public void Resume_after_an_interruption_redoes_only_what_was_missing()
    {
        var whole = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run(Batch(whole)).ExitCode);

        var interrupted = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run(Batch(interrupted)).ExitCode);
        // An interruption leaves a partition half built in the work folder and never renamed into place.
        var lost = Path.Combine(interrupted, "policy=latest", "trace=fork-cow");
        var work = Path.Combine(interrupted, ".work", "1-x", "fork-cow", "latest");
        Directory.CreateDirectory(work);
        File.Move(Path.Combine(lost, "tlb_flushes.arrow"), Path.Combine(work, "tlb_flushes.arrow"));
        Directory.Delete(lost, recursive: true);

        // without -q, to read the summary line
        var result = CliRunner.Run("batch", "traces/scenarios", "--policies", Policies, "--out", interrupted, "--progress", "never", "--resume");

        Assert.Equal(0, result.ExitCode);
        var partitions = Directory.GetDirectories(whole, "trace=*", SearchOption.AllDirectories).Length;
        Assert.Contains($"1 partition(s) written, {partitions - 1} already complete", result.Stdout, StringComparison.Ordinal);
        Directory.Delete(Path.Combine(interrupted, ".work"), recursive: true);
        AssertSameDataset(whole, interrupted);
    }
}
