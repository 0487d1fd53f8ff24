using MmReplay.Replay;

namespace MmReplay.Ingest.Tests.Workloads;

/// <summary>Keeps the effects the tests look at: counts by kind, remote shootdowns, and pagemap observations.</summary>
internal sealed class EffectLog : IEffectSink
{
    public long[] ByKind { get; } = new long[16];

    public long RemoteShootdowns { get; private set; }

    /// <summary>Pagemap entries read, by (trace line, page address).</summary>
    public Dictionary<(long Line, ulong Va), ulong> Pagemap { get; } = [];

    public long Count(EffectKind kind) => ByKind[(int)kind];

    public void Emit(in Effect effect)
    {
        ByKind[(int)effect.Kind]++;
        if (effect.Kind == EffectKind.TlbFlush && effect.Detail == (byte)TlbFlushReason.RemoteShootdown)
        {
            RemoteShootdowns++;
        }

        if (effect.Kind == EffectKind.Observation && effect.Detail == (byte)ObservationKind.Pagemap)
        {
            Pagemap[(effect.Line, effect.Addr)] = effect.Value;
        }
    }

    /// <summary>Replays <paramref name="events"/> on a fresh machine under <paramref name="policy"/>.</summary>
    public static EffectLog Replay(IReadOnlyList<TraceEvent> events, string policy, int cpus)
    {
        var machine = new Machine(KernelPolicy.Preset(policy), new MachineConfig { Cpus = cpus });
        var log = new EffectLog();
        foreach (var e in events)
        {
            machine.Apply(in e, log);
        }

        return log;
    }
}
