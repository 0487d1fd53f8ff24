namespace MmReplay.Analyze.Tests.Notifications;

/// <summary>
/// The 2017 "double notification" story on the model's own scenario (traces/scenarios/notifier-cow-ats.csv:
/// two COW writes to pages an ATS device and a KVM subscriber have cached), across the three notifier eras.
/// </summary>
public sealed class NotificationStoryTests
{
    private static readonly string Trace = Path.Combine(RepoRoot.Path, "traces", "scenarios", "notifier-cow-ats.csv");

    [Theory]
    // <= v4.14: ptep_clear_flush_notify under the PT lock + invalidate_range again at range_end: 2 per COW, the
    // second redundant (3.2).
    [InlineData("linux-4.14", "invalidate_range", 4, 2)]
    // v4.15-v6.5 (0f10851ea475, 4645b9fe84bf): one invalidate_range under the PT lock, range_only_end (MN-3).
    [InlineData("linux-4.15", "invalidate_range", 2, 0)]
    // v6.6+ (1af5a8109904): one arch_invalidate_secondary_tlbs from the TLB flush of each COW (MN-5).
    [InlineData("linux-6.6", "arch_invalidate_secondary_tlbs", 2, 0)]
    public async Task Cow_under_an_ats_device_by_era(string preset, string call, int atsInvalidations, int redundant)
    {
        using var run = await ScenarioRun.RunAsync(Trace, preset);
        var calls = run.Table("notifications");

        var ats = Enumerable.Range(0, calls.Count).Where(i => (string)calls.Get(i, "device_kind")! == "ats").ToList();
        Assert.Equal(atsInvalidations, ats.Count);
        Assert.All(ats, i => Assert.Equal(call, (string)calls.Get(i, "call")!));
        Assert.All(ats, i => Assert.Equal("cow", (string)calls.Get(i, "call_site")!));
        Assert.Equal(redundant, Enumerable.Range(0, calls.Count).Count(i => (bool)calls.Get(i, "redundant")!));
        // KVM zaps in invalidate_range_start in every era, one bracket per COW, each needed.
        var kvmStarts = Enumerable.Range(0, calls.Count).Where(i => (string)calls.Get(i, "call")! == "invalidate_range_start").ToList();
        Assert.Equal(2, kvmStarts.Count);
        Assert.All(kvmStarts, i => Assert.False((bool)calls.Get(i, "redundant")!));
        Assert.Equal(redundant, run.Metric("notifier_redundant"));
    }
}
