namespace MmReplay.Analyze.Tests;

public sealed class DeterminismTests
{
    [Theory]
    [InlineData("fresh-vma.csv", "latest")]
    [InlineData("mprotect-ext4.csv", "linux-5.10")]
    [InlineData("pinned-skip.csv", "latest")]
    public async Task Replaying_the_same_input_twice_gives_byte_identical_tables(string trace, string preset)
    {
        using var first = await ScenarioRun.RunAsync(trace, preset);
        using var second = await ScenarioRun.RunAsync(trace, preset);

        var files = Directory.GetFiles(first.Directory, "*.arrow");
        Array.Sort(files, StringComparer.Ordinal);
        // tlb_flushes, tlb_flush_summary, faults, observations, dirty_accuracy, missed_writes, spurious_dirty,
        // notifications, notification_summary, pin_coherence, device_ordering
        Assert.Equal(11, files.Length);
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            Assert.True(
                File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(second.Directory, name))),
                $"{name} differs between two replays of {trace} under {preset}");
        }

        Assert.Equal(File.ReadAllText(Path.Combine(first.Directory, "manifest.json")), File.ReadAllText(Path.Combine(second.Directory, "manifest.json")));
    }
}
