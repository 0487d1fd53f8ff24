namespace MmReplay.Analyze.Tests.Notifications;

/// <summary>
/// The 2020 fork-vs-pin story (kernel-semantics 4.2/4.3) on the model's scenario traces/scenarios/pin-fork-dma.csv:
/// write a page (line 4), pin it for DMA (5), fork (6), the parent writes it (7), the device reads (8) and
/// writes (9) the pinned frame, the parent reads (10).
/// </summary>
public sealed class PinStoryTests
{
    private static readonly string Trace = Path.Combine(RepoRoot.Path, "traces", "scenarios", "pin-fork-dma.csv");

    [Fact]
    public async Task Before_5_9_the_parent_cows_away_from_its_pin()
    {
        // < v5.9: fork write-protects and shares the pinned page; the parent's write (line 7) copies it because
        // the child still maps it (FK-5: mapcount 2), so the device keeps the old frame: the write itself, the
        // DMA read (8) and the DMA write (9) each see the two views diverge, all caused by line 7.
        using var run = await ScenarioRun.RunAsync(Trace, "linux-5.8");
        var pins = run.Table("pin_coherence");

        Assert.Equal(["write", "dma_read", "dma_write"], Enumerable.Range(0, pins.Count).Select(i => (string)pins.Get(i, "op")!).ToList());
        Assert.Equal([7L, 8L, 9L], Enumerable.Range(0, pins.Count).Select(i => (long)pins.Get(i, "line")!).ToList());
        Assert.All(Enumerable.Range(0, pins.Count), i => Assert.Equal(7L, (long)pins.Get(i, "cause_line")!));
        Assert.Equal(3, run.Metric("incoherent_pins"));
    }

    [Theory]
    // v5.9 (70e806e4e645, FK-2): fork copies the maybe-pinned page for the child; the parent keeps the pinned frame.
    [InlineData("linux-5.9")]
    // v5.19+ (FK-5b, anon-exclusive): same outcome through the exclusive-page rules.
    [InlineData("latest")]
    public async Task From_5_9_the_pin_stays_coherent(string preset)
    {
        using var run = await ScenarioRun.RunAsync(Trace, preset);

        Assert.Equal(0, run.Table("pin_coherence").Count);
        Assert.Equal(0, run.Metric("incoherent_pins"));
    }
}
