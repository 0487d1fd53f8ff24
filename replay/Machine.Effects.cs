using System.Numerics;
using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Ops;

namespace MmReplay.Replay;

/// <summary>The one door from the model to the effect stream: every op reports through these helpers.</summary>
public sealed partial class Machine
{
    internal void EmitFault(ulong va, uint code, FaultResolution resolution, int frame, bool gup)
    {
        if (Unwanted(EffectKinds.Fault))
        {
            return;
        }

        var e = Base(EffectKind.Fault, va);
        e.Code = code;
        e.Detail = (byte)resolution;
        e.Aux = (ulong)(long)frame;
        e.Scope = gup ? (byte)1 : (byte)0;
        _sink.Emit(in e);
    }

    internal void EmitPte(ulong va, ulong oldPte, ulong newPte, PteChangeKind kind, int pid)
    {
        if (Unwanted(EffectKinds.PteChange))
        {
            return;
        }

        var e = Base(EffectKind.PteChange, va);
        e.Value = newPte;
        e.Aux = oldPte;
        e.Detail = (byte)kind;
        e.Pid = pid;
        _sink.Emit(in e);
    }

    internal void EmitFlush(int cpu, TlbFlushReason reason, long pages, ulong cpus, FlushScope scope, ulong start, ulong end)
    {
        if (Unwanted(EffectKinds.TlbFlush))
        {
            return;
        }

        var e = Base(EffectKind.TlbFlush, start);
        e.End = end;
        e.Cpu = cpu;
        e.Cpus = cpus;
        e.Count = pages;
        e.Detail = (byte)reason;
        e.Scope = (byte)scope;
        _sink.Emit(in e);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal void EmitObservation(ObservationKind kind, ulong va, ulong value, ulong aux, int device = -1, byte scope = 0)
    {
        if (!Unwanted(EffectKinds.Observation))
        {
            Observation(kind, va, value, aux, device, scope);
        }
    }

    /// <summary>A CPU load: reports the value read (the frame's content is fetched only when someone consumes it).</summary>
    internal void EmitLoad(ulong va, int frame)
    {
        if (!Unwanted(EffectKinds.Observation))
        {
            Observation(ObservationKind.Value, va, Frames.Content(frame), (ulong)frame, -1, 0);
        }
    }

    /// <summary>Store <paramref name="value"/> in a frame and report the write (CPU, or a device / DMA when <paramref name="device"/> is set).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal void EmitWrite(ulong va, ulong value, int frame, int device = -1)
    {
        Frames.Content(frame) = value;
        Frames.WrittenAt(frame) = Current.Line;
        if (Unwanted(EffectKinds.GroundTruthWrite))
        {
            return;
        }

        var e = Base(EffectKind.GroundTruthWrite, va);
        e.Value = value;
        e.Aux = (ulong)frame;
        e.Device = device;
        _sink.Emit(in e);
    }

    internal void EmitNotifier(int device, NotifierCallKind call, CallSite site, ulong start, ulong end)
    {
        if (Unwanted(EffectKinds.Notifier))
        {
            return;
        }

        var e = Base(EffectKind.Notifier, start);
        e.End = end;
        e.Device = device;
        e.Detail = (byte)call;
        e.Scope = (byte)site;
        _sink.Emit(in e);
    }

    /// <summary>A hazard at <paramref name="va"/>: Value and Aux per <see cref="HazardKind"/> (frames, values); Scope a cause code.</summary>
    internal void EmitHazard(HazardKind kind, ulong va, ulong value, ulong aux, int device = -1, byte scope = 0)
    {
        if (Unwanted(EffectKinds.Hazard))
        {
            return;
        }

        var e = Base(EffectKind.Hazard, va);
        e.Detail = (byte)kind;
        e.Value = value;
        e.Aux = aux;
        e.Device = device;
        e.Scope = scope;
        _sink.Emit(in e);
    }

    internal void EmitDirtyReport(ulong start, ulong end, ulong value)
    {
        if (Unwanted(EffectKinds.DirtyReport))
        {
            return;
        }

        var e = Base(EffectKind.DirtyReport, start);
        e.End = end;
        e.Value = value;
        _sink.Emit(in e);
    }

    internal void EmitSegv(ulong va, uint code)
    {
        if (Unwanted(EffectKinds.Segv))
        {
            return;
        }

        var e = Base(EffectKind.Segv, va);
        e.Code = code;
        _sink.Emit(in e);
    }

    /// <summary>Count the effect as produced; true when the sink does not consume its kind (nothing to build).</summary>
    private bool Unwanted(EffectKinds kind)
    {
        EffectsProduced++;
        return (_wants & kind) == 0;
    }

    private void Observation(ObservationKind kind, ulong va, ulong value, ulong aux, int device, byte scope)
    {
        var e = Base(EffectKind.Observation, va);
        e.Device = device;
        e.Scope = scope;
        e.Detail = (byte)kind;
        e.Value = value;
        e.Aux = aux;
        _sink.Emit(in e);
    }

    private Effect Base(EffectKind kind, ulong va) => new()
    {
        Kind = kind,
        Line = Current.Line,
        Op = Current.Op,
        Pid = Current.Pid,
        Cpu = Current.Cpu,
        Device = -1,
        Addr = va,
        End = va + PageSize,
    };
}
