using MmReplay.Replay.Policy;

namespace MmReplay.Replay.Tests;

public sealed class KernelPolicyTests
{
    [Fact]
    public void Presets_include_every_kernel_the_issue_names()
    {
        string[] wanted = ["linux-3.17", "linux-3.18", "linux-4.14", "linux-4.15", "linux-5.8", "linux-5.9", "linux-5.18", "linux-5.19",
            "linux-6.0", "linux-6.1", "linux-6.4", "linux-6.5", "linux-6.6", "linux-6.12", "latest", "debian-5.10.223", "debian-6.1", "debian-6.12"];
        foreach (var name in wanted)
        {
            Assert.Contains(name, KernelPolicy.PresetNames);
            Assert.Equal(name, KernelPolicy.Preset(name).Name);
        }
    }

    [Theory]
    // Each row: a preset and the knob values its kernel has, from the commits in kernel-semantics.md.
    [InlineData("linux-3.17", ClearRefsEra.A, MprotectSoftDirtyCheck.None, CowReuseRule.Mapcount, false)]
    [InlineData("linux-3.18", ClearRefsEra.B, MprotectSoftDirtyCheck.Inverted, CowReuseRule.Mapcount, false)]
    [InlineData("linux-5.9", ClearRefsEra.B, MprotectSoftDirtyCheck.Inverted, CowReuseRule.Refcount, false)]
    [InlineData("linux-5.19", ClearRefsEra.C, MprotectSoftDirtyCheck.Inverted, CowReuseRule.AnonExclusive, true)]
    [InlineData("linux-6.0", ClearRefsEra.C, MprotectSoftDirtyCheck.Fixed, CowReuseRule.AnonExclusive, true)]
    [InlineData("debian-5.10.223", ClearRefsEra.B, MprotectSoftDirtyCheck.Inverted, CowReuseRule.Refcount, true)]
    public void Presets_carry_their_eras(string preset, ClearRefsEra era, MprotectSoftDirtyCheck check, CowReuseRule cow, bool skipPinned)
    {
        var p = KernelPolicy.Preset(preset);
        Assert.Equal(era, p.ClearRefsEra);
        Assert.Equal(check, p.MprotectSoftDirtyCheck);
        Assert.Equal(cow, p.CowReuse);
        Assert.Equal(skipPinned, p.ClearRefsSkipPinned);
    }

    [Fact]
    public void Merge_stickiness_starts_at_6_19()
    {
        Assert.Equal(SoftDirtyMerge.Survivor, KernelPolicy.Preset("linux-6.18").SoftDirtyMerge);
        Assert.Equal(SoftDirtyMerge.Sticky, KernelPolicy.Preset("linux-6.19").SoftDirtyMerge);
        Assert.Equal(SoftDirtyMerge.Sticky, KernelPolicy.Preset("latest").SoftDirtyMerge);
    }

    [Fact]
    public void With_overrides_one_knob_and_names_it()
    {
        var p = KernelPolicy.Preset("linux-5.10").With("cow-reuse=anon-exclusive");
        Assert.Equal(CowReuseRule.AnonExclusive, p.CowReuse);
        Assert.Equal("linux-5.10+cow-reuse=anon-exclusive", p.Name);
        Assert.Equal(KernelPolicy.Preset("linux-5.10").ClearRefsEra, p.ClearRefsEra);
        Assert.False(p.With("soft-dirty", "off").SoftDirty);
    }

    [Fact]
    public void Bad_knobs_and_values_say_what_is_accepted()
    {
        var unknown = Assert.Throws<ArgumentException>(() => KernelPolicy.Preset("latest").With("no-such-knob=1"));
        Assert.Contains("cow-reuse", unknown.Message);
        var badValue = Assert.Throws<ArgumentException>(() => KernelPolicy.Preset("latest").With("cow-reuse", "sometimes"));
        Assert.Contains("mapcount|refcount|anon-exclusive", badValue.Message);
        Assert.Throws<ArgumentException>(() => KernelPolicy.Preset("linux-9.99"));
    }

    [Fact]
    public void Every_knob_has_a_commit_and_round_trips_through_With()
    {
        var latest = KernelPolicy.Preset("latest");
        foreach (var knob in latest.Knobs)
        {
            Assert.False(string.IsNullOrWhiteSpace(knob.Commit), knob.Name);
            foreach (var value in knob.Values.Split('|'))
            {
                var changed = latest.With(knob.Name, value);
                Assert.Equal(value, changed.Knobs.Single(k => k.Name == knob.Name).Value);
            }
        }
    }
}
