using MmReplay.Replay.Engine;

namespace MmReplay.Replay.Tests;

/// <summary>
/// A sink that consumes only some effect kinds gets exactly those effects of the full stream, in order and
/// unchanged, and the model's books do not change: it produces (and counts) the same effects either way.
/// </summary>
public sealed class EffectInterestTests
{
    [Theory]
    [InlineData("latest", 1, EffectKinds.TlbFlush)]
    [InlineData("latest", 2, EffectKinds.Observation | EffectKinds.Fault)]
    [InlineData("linux-5.10", 3, EffectKinds.PteChange | EffectKinds.GroundTruthWrite)]
    [InlineData("linux-3.17", 4, EffectKinds.TlbFlush | EffectKinds.Notifier | EffectKinds.Hazard)]
    public void A_sink_gets_the_kinds_it_wants_and_the_model_behaves_the_same(string preset, int seed, EffectKinds wants)
    {
        var all = Replay(preset, seed, new CollectingSink(), out var producedAll);
        var some = Replay(preset, seed, new EffectBatch(wants), out var producedSome);

        var expected = all.Effects.Where(e => (wants & (EffectKinds)(1u << (int)e.Kind)) != 0).ToList();
        Assert.True(expected.Count > 0, $"seed {seed}: the random trace produced none of {wants}; the test checks nothing");
        Assert.True(expected.Count < all.Effects.Count, $"seed {seed}: every effect was of {wants}; the filter is not exercised");
        Assert.Equal(expected, some.Effects.ToArray());
        Assert.Equal(all.Effects.Count, producedAll);
        Assert.Equal(producedAll, producedSome);
    }

    private static TSink Replay<TSink>(string preset, int seed, TSink sink, out long produced)
        where TSink : IEffectSink
    {
        var machine = new Machine(KernelPolicy.Preset(preset), new MachineConfig { Cpus = 2 });
        var rng = new Random(seed);
        var pids = new List<int> { 10, 11 };
        for (var line = 1; line <= 1500; line++)
        {
            machine.Apply(RandomTraceInvariantTests.RandomEvent(rng, pids, line), sink);
        }

        produced = machine.EffectsProduced;
        return sink;
    }
}
