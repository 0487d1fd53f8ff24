namespace MmReplay.Cli.Tests;

/// <summary>
/// The linux-mm stories on generated workloads, through the user's loop: gen -> batch -> compare.
/// Expected directions come from the kernel rules cited; the numbers are asserted per trace and across traces.
/// </summary>
public sealed class WorkloadStoryTests
{
    private static string Generate(string workload, int seeds, int events)
    {
        var dir = CliRunner.TempDir();
        for (var seed = 1; seed <= seeds; seed++)
        {
            var result = CliRunner.Run("gen", "--workload", workload, "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--events", events.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", Path.Combine(dir, $"{workload}-{seed}.csv"));
            Assert.True(result.ExitCode == 0, result.Stderr);
        }

        return dir;
    }

    private static ArrowTable Compare(string traces, string baseline, string policy)
    {
        var dataset = CliRunner.TempDir();
        var output = CliRunner.TempDir();
        var batch = CliRunner.Run("batch", traces, "--policies", $"{baseline},{policy}", "--out", dataset, "--strict", "--progress", "never", "-q");
        Assert.True(batch.ExitCode == 0, batch.Stderr);
        var compare = CliRunner.Run("compare", dataset, "--baseline", baseline, "--out", output, "--report", Path.Combine(output, "report.md"));
        Assert.True(compare.ExitCode == 0, compare.Stderr);
        return ArrowTable.Read(Path.Combine(output, "comparison_traces.arrow"));
    }

    [Fact]
    public void Gpu_svm_has_fewer_redundant_invalidations_on_4_15_than_on_4_14()
    {
        // <= v4.14 every *_clear_flush_notify site invalidates the ATS device twice (under the PT lock and again
        // at range_end); 0f10851ea475 + 4645b9fe84bf (v4.15) drop the second call (MN-3, MN-6).
        var perTrace = Compare(Generate("gpu-svm", seeds: 3, events: 2000), "linux-4.14", "linux-4.15");

        var redundant = perTrace.Rows.Where(r => (string)r["metric"]! == "notifier_redundant").ToList();
        Assert.Equal(3, redundant.Count);
        Assert.All(redundant, r =>
        {
            Assert.True((double)r["baseline_value"]! > 0, "4.14 makes redundant invalidations on gpu-svm");
            Assert.True((double)r["delta"]! < 0, $"{r["trace"]}: 4.15 should make fewer redundant invalidations");
        });
        var calls = perTrace.Rows.Where(r => (string)r["metric"]! == "notifier_calls").ToList();
        Assert.All(calls, r => Assert.True((double)r["delta"]! < 0, $"{r["trace"]}: 4.15 should make fewer calls"));
    }

    [Fact]
    public void Rdma_pin_fork_loses_coherence_before_5_9_only()
    {
        // < v5.9 fork shares the pinned page and a later parent write COWs away from the DMA frame (4.2);
        // 70e806e4e645 (v5.9) copies maybe-pinned pages for the child at fork, so the parent keeps the pin (FK-2).
        var perTrace = Compare(Generate("rdma-pin-fork", seeds: 2, events: 1500), "linux-5.8", "linux-5.9");

        var pins = perTrace.Rows.Where(r => (string)r["metric"]! == "incoherent_pins").ToList();
        Assert.Equal(2, pins.Count);
        Assert.All(pins, r =>
        {
            Assert.True((double)r["baseline_value"]! > 0, $"{r["trace"]}: 5.8 should show incoherent pins");
            Assert.Equal(0.0, (double)r["value"]!);
        });
    }
}
