using System.Globalization;
using MmReplay.Ingest;
using MmReplay.Ingest.Ftrace;
using MmReplay.Replay;

namespace MmReplay.Analyze.Validation;

/// <summary>
/// Replays the ops of a kernel recording through the model and sets what the model predicts beside what the kernel
/// logged. A recorded fault is both: the model replays it as an access (write for W, fetch for I, read otherwise) and
/// derives the error code from its own page table, which must match the recorded P, W and I bits (the U bit says who
/// accessed, not what the page table held: it is taken from the recording). The accesses that did not fault are not
/// in the recording, so the model sees only the faulting ones.
/// Flushes are compared per op group: a syscall op with the kernel faults inside its enter..exit window (same tid),
/// or a fault, exit or exec on its own. A recorded flush belongs to the window of its tid that holds it, else to the
/// last op group of its tid (a COW fault's flush follows the fault); a remote shootdown belongs to the last IPI send
/// of another CPU. Task-switch flushes belong to CPUs and are only tallied.
/// </summary>
public static class TraceValidator
{
    /// <summary>Error-code bits the model decides: P (present), W (write), I (instruction fetch).</summary>
    public const uint ComparedBits = 0x1 | 0x2 | 0x10;

    private const uint UserBit = 0x4;

    public static ValidationReport Validate(
        IReadOnlyList<TraceEvent> events, IReadOnlyList<FtraceSyscallWindow> windows, KernelPolicy policy, int cpus)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(policy);
        return new Run(windows, policy, cpus).Validate(events);
    }

    /// <summary>The model's error code for a fault, with the recording's U bit (see the class comment).</summary>
    public static long PredictedCode(uint modelCode, uint recordedCode) => (modelCode & ~UserBit) | (recordedCode & UserBit);

    private sealed class Run(IReadOnlyList<FtraceSyscallWindow> windows, KernelPolicy policy, int cpus)
    {
        private readonly SyscallWindowIndex _index = new(windows);
        private readonly Machine _machine = new(policy, new MachineConfig { Cpus = cpus });
        private readonly EffectCollector _effects = new();
        private readonly ValidationReport _report = new(policy.Name);
        private readonly Dictionary<(int Tid, long Enter), FlushGroup> _windowGroups = [];
        private readonly List<FlushGroup> _groups = [];
        private readonly Dictionary<int, FlushGroup> _lastGroup = [];
        private readonly TracedMappings _mappings = new();
        private readonly HashSet<FlushGroup> _unknownMapping = [];
        private readonly Dictionary<OpAgreement, RegionAgreement> _regionOf = [];
        private FlushGroup? _lastIpiGroup;
        private int _lastIpiCpu = -1;

        public ValidationReport Validate(IReadOnlyList<TraceEvent> events)
        {
            foreach (var e in events)
            {
                if (e.Op == OpCode.TlbFlush)
                {
                    Attribute(in e);
                }
                else if (Machine.SupportOf(e.Op) == OpSupport.Applied)
                {
                    Replay(in e);
                }
                else
                {
                    _report.NotReplayed++;
                }
            }

            Conclude();
            return _report;
        }

        private void Replay(in TraceEvent e)
        {
            FlushGroup group;
            if (_index.TryFind(e.Tid, e.Line, out var window))
            {
                group = WindowGroup(window);
                _lastGroup.Remove(e.Tid); // flushes after the syscall returns are not its own
            }
            else
            {
                group = NewGroup(null);
                _lastGroup[e.Tid] = group;
            }

            var row = new OpAgreement(in e, group);
            _report.Rows.Add(row);
            // A syscall's own op heads its group even when kernel faults inside the window came first.
            if (group.Head is null || (group.Head.Op == OpCode.Fault && e.Op != OpCode.Fault))
            {
                group.Head = row;
            }

            var replayed = e;
            if (e.Op == OpCode.Fault)
            {
                // The model derives the code itself: give it only the kind of access.
                replayed.ErrorCode = 0;
                replayed.Access = (e.ErrorCode & 0x10) != 0 ? Access.Exec : (e.ErrorCode & 0x2) != 0 ? Access.Write : Access.Read;
            }

            _effects.Effects.Clear();
            _machine.Apply(in replayed, _effects);
            foreach (var effect in _effects.Effects)
            {
                Observe(row, group, in effect);
            }

            Track(in e, row);
            if (e.Op == OpCode.Fault)
            {
                CompareFault(row, group);
            }
        }

        private void Observe(OpAgreement row, FlushGroup group, in Effect effect)
        {
            if (effect.Kind == EffectKind.Fault && row.PredictedErrorCode < 0)
            {
                row.PredictedErrorCode = PredictedCode(effect.Code, row.Event.ErrorCode);
                row.PredictedResolution = (FaultResolution)effect.Detail;
            }
            else if (effect.Kind == EffectKind.TlbFlush)
            {
                var reason = (TlbFlushReason)effect.Detail;
                if (reason == TlbFlushReason.TaskSwitch)
                {
                    var cpu = _report.TaskSwitches(effect.Cpu);
                    if (effect.Count != 0)
                    {
                        cpu.PredictedFull++;
                    }
                    else
                    {
                        cpu.PredictedNone++;
                    }
                }
                else
                {
                    group.Predicted.Add(reason, effect.Count);
                }
            }
        }

        /// <summary>Keeps the traced mappings and regions in step with the op, and places the op in a region.</summary>
        private void Track(in TraceEvent e, OpAgreement row)
        {
            switch (e.Op)
            {
                case OpCode.Mmap:
                    var region = new RegionAgreement(e.Line, e.Pid, e.Addr, e.Addr + e.Len);
                    _report.Regions.Add(region);
                    _mappings.Add(region);
                    break;
                case OpCode.Fork:
                    _mappings.Fork(e.Pid, e.OtherPid, e.Line);
                    break;
                case OpCode.Exec:
                    _mappings.Exec(e.Pid);
                    break;
            }

            if (e.Op is OpCode.Fork or OpCode.Exit or OpCode.Exec)
            {
                return;
            }

            if (_mappings.Find(e.Pid, e.Addr) is { } where)
            {
                _regionOf[row] = where;
            }
            else if (e.Op != OpCode.Fault)
            {
                // munmap/mprotect/madvise/mremap of memory mapped before tracing began (the loader's RELRO, exec's
                // stack): the model never had it, so its flushes cannot be checked here.
                _unknownMapping.Add(row.Group);
            }
        }

        private void CompareFault(OpAgreement row, FlushGroup group)
        {
            var recorded = row.Event.ErrorCode;
            var region = _regionOf.GetValueOrDefault(row);
            if (row.PredictedErrorCode < 0)
            {
                row.Fault = Verdict.Disagree;
                row.Note = "model took no fault";
                return;
            }

            if (row.PredictedResolution == FaultResolution.Segv && region is null)
            {
                row.Fault = Verdict.CannotTell;
                row.Note = "address in no mapping the trace recorded (mapped before tracing began)";
                _unknownMapping.Add(group);
                return;
            }

            var predicted = (uint)row.PredictedErrorCode;
            if (region is not null)
            {
                Increment(region.RecordedFaults, recorded);
                Increment(region.PredictedFaults, predicted);
            }

            if ((predicted & ComparedBits) == (recorded & ComparedBits))
            {
                row.Fault = Verdict.Agree;
                return;
            }

            row.Fault = Verdict.Disagree;
            row.Note = string.Create(CultureInfo.InvariantCulture,
                $"error code: kernel 0x{recorded:x}, model 0x{predicted:x} ({Names.Resolution(row.PredictedResolution)})");
        }

        private void Attribute(in TraceEvent f)
        {
            var reason = f.TlbReason;
            if (reason == TlbFlushReason.TaskSwitch)
            {
                var cpu = _report.TaskSwitches(f.Cpu);
                if (f.Count != 0)
                {
                    cpu.RecordedFull++;
                }
                else
                {
                    cpu.RecordedNone++;
                }

                return;
            }

            FlushGroup? group;
            string why;
            if (reason is TlbFlushReason.RemoteShootdown or TlbFlushReason.RemoteWrongCpu)
            {
                group = _lastIpiCpu != f.Cpu ? _lastIpiGroup : null;
                why = "remote shootdown with no IPI send from another CPU before it";
            }
            else if (_index.TryFind(f.Tid, f.Line, out var window))
            {
                group = WindowGroup(window);
                why = "";
            }
            else
            {
                group = _lastGroup.GetValueOrDefault(f.Tid);
                why = "no replayed op of its task before it";
            }

            if (group is null)
            {
                _report.Unattributed.Add(new UnattributedFlush(f.Line, f.Tid, f.Cpu, reason, f.Count, why));
            }
            else
            {
                group.Recorded.Add(reason, f.Count);
                group.RecordedEvents.Add(f);
            }

            if (reason == TlbFlushReason.RemoteSendIpi)
            {
                _lastIpiGroup = group;
                _lastIpiCpu = f.Cpu;
            }
        }

        /// <summary>Verdicts on flushes, per group, once every flush has been attributed.</summary>
        private void Conclude()
        {
            foreach (var group in _groups)
            {
                var head = group.Head;
                if (head is null)
                {
                    var w = group.Window!.Value;
                    foreach (var f in group.RecordedEvents)
                    {
                        _report.Unattributed.Add(new UnattributedFlush(f.Line, f.Tid, f.Cpu, f.TlbReason, f.Count,
                            $"inside a syscall that yields no replayed op (lines {w.EnterLine}-{w.ExitLine})"));
                    }

                    continue;
                }

                var unknown = _unknownMapping.Contains(group);
                var sameLocal = group.Recorded.SameLocal(group.Predicted);
                head.Local = sameLocal ? Verdict.Agree : unknown ? Verdict.CannotTell : Verdict.Disagree;
                head.Remote = group.Recorded.SameRemote(group.Predicted) ? Verdict.Agree : Verdict.CannotTell;
                if (!sameLocal)
                {
                    head.Note = Join(head.Note, $"local flushes: kernel [{FlushTally.Format(group.Recorded.LocalPages)}], model [{FlushTally.Format(group.Predicted.LocalPages)}]"
                        + (unknown ? " (the model lacks the mapping)" : ""));
                }

                if (head.Remote == Verdict.CannotTell)
                {
                    head.Note = Join(head.Note,
                        $"remote: kernel {group.Recorded.IpiSendPages.Count} IPI send(s) + {group.Recorded.RemoteShootdowns} shootdown(s), model {group.Predicted.IpiSendPages.Count} + {group.Predicted.RemoteShootdowns}; which CPUs held the mm (mm_cpumask, lazy TLB) is not in the recording");
                }

                if (_regionOf.TryGetValue(head, out var region))
                {
                    region.RecordedLocalFlushes += group.Recorded.LocalPages.Count;
                    region.PredictedLocalFlushes += group.Predicted.LocalPages.Count;
                }
            }

            _report.Unattributed.Sort((a, b) => a.Line.CompareTo(b.Line));
            _report.Regions.RemoveAll(r => r.IsEmpty);
            foreach (var row in _report.Rows)
            {
                _report.Counts(ComparisonKind.FaultCode).Count(row.Fault);
                _report.Counts(ComparisonKind.LocalFlushes).Count(row.Local);
                _report.Counts(ComparisonKind.RemoteFlushes).Count(row.Remote);
            }
        }

        private FlushGroup WindowGroup(FtraceSyscallWindow window)
        {
            if (!_windowGroups.TryGetValue((window.Tid, window.EnterLine), out var group))
            {
                group = NewGroup(window);
                _windowGroups[(window.Tid, window.EnterLine)] = group;
            }

            return group;
        }

        private FlushGroup NewGroup(FtraceSyscallWindow? window)
        {
            var group = new FlushGroup(window);
            _groups.Add(group);
            return group;
        }

        private static void Increment(SortedDictionary<uint, int> counts, uint code) =>
            counts[code] = counts.GetValueOrDefault(code) + 1;

        private static string Join(string a, string b) => a.Length == 0 ? b : a + "; " + b;
    }
}
