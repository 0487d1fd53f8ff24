using System.Globalization;
using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Oracle;

/// <summary>
/// Replays a trace's executable ops through the model under a policy and matches what the model observes with
/// what the kernel observed, by (line, pid, observation, page): one <see cref="OracleRow"/> per observation of
/// either side, plus one per skipped op. The model replays exactly the ops the kernel ran, so both start each op
/// from the same state.
/// </summary>
public static class OracleComparer
{
    /// <summary>pagemap bits compared: present, swapped, file/shared, uffd-wp, exclusive, soft-dirty.</summary>
    public const ulong PagemapFlags = 1UL << 63 | 1UL << 62 | 1UL << 61 | 1UL << 57 | 1UL << 56 | 1UL << 55;

    private const ulong PfnMask = (1UL << 55) - 1;

    public static IReadOnlyList<OracleRow> Compare(string trace, IReadOnlyList<TraceEvent> events, OracleTraceResult kernel, KernelPolicy policy, string kernelRelease, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(policy);
        var context = new RowContext(trace, policy.Name, seed, kernelRelease);
        var skipped = new Dictionary<long, SkippedOp>();
        foreach (SkippedOp s in kernel.OpList.Skipped)
            skipped[s.Line] = s;
        Dictionary<long, string> absent = AbsentFeatures(events, kernel.Observations, kernelRelease);

        var model = new ModelObservations();
        var machine = new Machine(policy, new MachineConfig { Cpus = CpusOf(events) });
        var ops = new Dictionary<long, TraceEvent>();
        var snapshots = new Dictionary<long, int>();
        int snapshot = 0;
        foreach (TraceEvent e in events)
        {
            ops[e.Line] = e;
            if (skipped.ContainsKey(e.Line) || absent.ContainsKey(e.Line))
                continue;
            if (e.Op != OpCode.Pagemap)
                snapshot++; // frames seen by consecutive pagemap ops are alive together; anything else may free some
            snapshots[e.Line] = snapshot;
            machine.Apply(e, model);
        }

        var rows = new List<OracleRow>();
        foreach (SkippedOp s in kernel.OpList.Skipped)
            rows.Add(context.Row(s.Line, s.Pid, OpTable.Name(s.Op), "skipped", ops[s.Line].Addr, null, null, true, s.Reason));

        var frames = new FrameClasses();
        var matched = new HashSet<ObservationKey>();
        foreach (KernelObservation k in kernel.Observations)
        {
            string op = ops.TryGetValue(k.Line, out TraceEvent e) ? OpTable.Name(e.Op) : "?";
            string kind = Name(k.Kind);
            var key = new ObservationKey(k.Line, k.Pid, kind, k.Addr);
            if (k.Kind == ObservationKind.Error)
            {
                bool explained = absent.TryGetValue(k.Line, out string? why);
                rows.Add(context.Row(k.Line, k.Pid, op, kind, k.Addr, k.Value, null, explained,
                    why ?? $"the kernel refused the call (errno {k.Value}); the model has no refusal here and applied it"));
                continue;
            }

            bool found = model.Facts.TryGetValue(key, out ModelFact m);
            if (found)
                matched.Add(key);
            ulong? modelValue = found ? m.Value : null;
            if (!found)
                rows.Add(context.Row(k.Line, k.Pid, op, kind, k.Addr, k.Value, null, false, "the model observed nothing here"));
            else if (k.Kind == ObservationKind.Pagemap)
                rows.Add(ComparePagemap(context, k, op, m, frames, snapshots.GetValueOrDefault(k.Line)));
            else
                rows.Add(context.Row(k.Line, k.Pid, op, kind, k.Addr, k.Value, modelValue, k.Value == m.Value, k.Value == m.Value ? "" : "values differ"));

            if (k.Faults >= 0)
                rows.Add(CompareFaults(context, k, op, model));
        }

        string missing = kernel.Completed ? "the kernel observed nothing here" : $"the kernel observed nothing here (the guest trace ended with status {kernel.ExitStatus?.ToString(CultureInfo.InvariantCulture) ?? "none"})";
        foreach (ObservationKey key in model.Order)
        {
            if (matched.Contains(key))
                continue;
            string op = ops.TryGetValue(key.Line, out TraceEvent e) ? OpTable.Name(e.Op) : "?";
            rows.Add(context.Row(key.Line, key.Pid, op, key.Kind, key.Addr, null, model.Facts[key].Value, false, missing));
        }

        rows.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Addr != b.Addr ? a.Addr.CompareTo(b.Addr) : string.CompareOrdinal(a.Observation, b.Observation));
        return rows;
    }

    /// <summary>The lower-case word of an observation kind, as the guest writes it.</summary>
    public static string Name(ObservationKind kind) => kind switch
    {
        ObservationKind.Read => "read",
        ObservationKind.Write => "write",
        ObservationKind.Pagemap => "pagemap",
        ObservationKind.Segv => "segv",
        ObservationKind.Error => "error",
        ObservationKind.DmaRead => "dma_read",
        ObservationKind.Scan => "scan",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The guest counts page faults around one access; the model counts its CPU faults. Faults the model takes through
    /// a stale read-only TLB entry after a permission upgrade without a flush (x86 may: SDM vol. 3 4.10.4.3, which is
    /// why Linux adds permissions without flushing) cannot show under QEMU TCG, whose soft TLB re-walks the page
    /// table on every permission miss: those rows agree with a note saying so.
    /// </summary>
    private static OracleRow CompareFaults(RowContext context, KernelObservation k, string op, ModelObservations model)
    {
        int modelFaults = model.FaultsAt(k.Line, k.Pid, k.Addr);
        int stale = model.StaleTlbFaultsAt(k.Line, k.Pid, k.Addr);
        (bool agree, string note) = k.Faults == modelFaults ? (true, "")
            : stale > 0 && k.Faults == modelFaults - stale
                ? (true, $"{stale} model fault(s) through a stale read-only TLB entry, which the emulated guest's TLB cannot hold")
                : (false, "fault counts differ");
        return context.Row(k.Line, k.Pid, op, "faults", k.Addr, null, null, agree, note, k.Faults, modelFaults);
    }

    private static OracleRow ComparePagemap(RowContext context, KernelObservation k, string op, ModelFact m, FrameClasses frames, int snapshot)
    {
        ulong kernelFlags = k.Value & PagemapFlags, modelFlags = m.Value & PagemapFlags;
        if (kernelFlags != modelFlags)
        {
            return context.Row(k.Line, k.Pid, op, "pagemap", k.Addr, k.Value, m.Value, false,
                $"pagemap bits differ: {Bits(kernelFlags ^ modelFlags)} (kernel {Bits(kernelFlags)}; model {Bits(modelFlags)})");
        }

        string? sharing = k.Present && k.Pfn != 0 && m.Frame >= 0 ? frames.Check(snapshot, k.Pfn, m.Frame) : null;
        return context.Row(k.Line, k.Pid, op, "pagemap", k.Addr, k.Value, m.Value, sharing is null, sharing ?? "");
    }

    private static string Bits(ulong flags)
    {
        var names = new List<string>();
        foreach ((int bit, string name) in new[] { (63, "present"), (62, "swapped"), (61, "file"), (57, "uffd_wp"), (56, "exclusive"), (55, "soft_dirty") })
        {
            if ((flags >> bit & 1) != 0)
                names.Add(name);
        }
        return names.Count == 0 ? "none" : string.Join('+', names);
    }

    /// <summary>
    /// Ops that failed only because the kernel predates the interface (UFFD_FEATURE_WP_ASYNC and PAGEMAP_SCAN came
    /// in v6.7): the model has no knob for their absence, so those ops are not replayed and their error rows say why.
    /// </summary>
    private static Dictionary<long, string> AbsentFeatures(IReadOnlyList<TraceEvent> events, IReadOnlyList<KernelObservation> observations, string kernelRelease)
    {
        var absent = new Dictionary<long, string>();
        if (!KernelRelease.TryParse(kernelRelease, out KernelRelease release) || release >= new KernelRelease(6, 7))
            return absent;
        var errors = new HashSet<long>();
        foreach (KernelObservation o in observations)
        {
            if (o.Kind == ObservationKind.Error)
                errors.Add(o.Line);
        }
        foreach (TraceEvent e in events)
        {
            if (e.Op is OpCode.UffdWp or OpCode.PagemapScan && errors.Contains(e.Line))
                absent[e.Line] = $"{OpTable.Name(e.Op)} needs v6.7 (UFFD_FEATURE_WP_ASYNC, PAGEMAP_SCAN); kernel {release} refuses it, so the model does not replay it";
        }
        return absent;
    }

    private static int CpusOf(IReadOnlyList<TraceEvent> events)
    {
        int cpus = 2;
        foreach (TraceEvent e in events)
            cpus = Math.Max(cpus, e.Cpu + 1);
        return cpus;
    }

    /// <summary>Frame sharing within one snapshot: kernel pfns and model frames must pair one to one.</summary>
    private sealed class FrameClasses
    {
        private readonly Dictionary<(int, ulong), long> _kernelToModel = [];
        private readonly Dictionary<(int, long), ulong> _modelToKernel = [];

        public string? Check(int snapshot, ulong pfn, long frame)
        {
            if (_kernelToModel.TryGetValue((snapshot, pfn), out long f) && f != frame)
                return $"frame sharing differs: the kernel maps pfn 0x{pfn:x} here as on a page where the model has frame {f}, the model has frame {frame}";
            if (_modelToKernel.TryGetValue((snapshot, frame), out ulong p) && p != pfn)
                return $"frame sharing differs: the model maps frame {frame} here as on a page where the kernel has pfn 0x{p:x}, the kernel has pfn 0x{pfn:x}";
            _kernelToModel[(snapshot, pfn)] = frame;
            _modelToKernel[(snapshot, frame)] = pfn;
            return null;
        }
    }

    private sealed record RowContext(string Trace, string Policy, ulong Seed, string Kernel)
    {
        public OracleRow Row(long line, int pid, string op, string observation, ulong addr, ulong? kernelValue, ulong? modelValue, bool agree, string note, int? kernelFaults = null, int? modelFaults = null) =>
            new(Trace, Policy, Seed, Kernel, line, pid, op, observation, addr, kernelValue, modelValue, kernelFaults, modelFaults, agree, note);
    }
}
