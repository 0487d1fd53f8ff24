namespace MmReplay.Analyze.Tests;

public sealed class DeterminismTests
{
    public static TheoryData<string, string> Scenarios => new()
    {
        { "fresh-vma.csv", "latest" },
        { "mprotect-ext4.csv", "linux-5.10" },
        { "pinned-skip.csv", "latest" },
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Replaying_the_same_input_twice_gives_byte_identical_tables(string trace, string preset)
    {
        using var first = await ScenarioRun.RunAsync(trace, preset);
        using var second = await ScenarioRun.RunAsync(trace, preset);

        // tlb_flushes, tlb_flush_summary, faults, observations, dirty_accuracy, missed_writes, spurious_dirty,
        // notifications, notification_summary, pin_coherence, device_ordering
        Assert.Equal(11, AssertSameTables(first, second, $"between two replays of {trace} under {preset}"));
        Assert.Equal(File.ReadAllText(Path.Combine(first.Directory, "manifest.json")), File.ReadAllText(Path.Combine(second.Directory, "manifest.json")));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task An_analyzer_attached_alone_writes_the_same_tables(string trace, string preset)
    {
        // Alone, the TLB-flush analyzer makes the model skip every effect it does not consume (loads, stores, PTE
        // changes...): its tables must not change, or the interest sets would be dropping effects that matter.
        using var all = await ScenarioRun.RunAsync(trace, preset);
        using var alone = await ScenarioRun.RunAsync(trace, preset, analyzers: run => [new Flushes.TlbFlushAnalyzer(run)]);

        Assert.NotEmpty(all.Table("tlb_flushes").Rows);
        Assert.Equal(["tlb_flush_summary.arrow", "tlb_flushes.arrow"], Directory.GetFiles(alone.Directory, "*.arrow").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        AssertSameTables(alone, all, $"between the analyzer alone and the full set on {trace} under {preset}");
    }

    /// <summary>Every table of <paramref name="run"/> is byte for byte the same file in <paramref name="other"/>; returns how many.</summary>
    private static int AssertSameTables(ScenarioRun run, ScenarioRun other, string what)
    {
        var files = Directory.GetFiles(run.Directory, "*.arrow");
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(other.Directory, name))), $"{name} differs {what}");
        }

        return files.Length;
    }
}
