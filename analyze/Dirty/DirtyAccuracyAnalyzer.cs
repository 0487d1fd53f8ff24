using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Arrow;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Model;

namespace MmReplay.Analyze.Dirty;

/// <summary>
/// Compares what dirty-tracking interfaces report with the ground-truth writes, per tracking interval:
/// soft-dirty (an interval per clear_refs 4 of an mm, reports = pagemap bit 55), PAGEMAP_SCAN's written
/// category and clean_range's bitmap (a round reports and restarts the pages it covers). Each page read in an
/// interval is classified by its latest report; every false negative goes to missed_writes and every false
/// positive to spurious_dirty, each with a cause (the model's, else derived by <see cref="DirtyCauseRules"/>).
/// </summary>
/// <remarks>
/// Interval boundaries: a DirtyReport effect of a clear_refs op; until the model emits one, the first
/// soft-dirty clear (PteChange SoftDirtyClear) or full-mm flush of a clear_refs op that cleared no young bits.
/// Resetting reads: clean_bit observations, and written observations with Scope bit 0 set (clear=1).
/// </remarks>
public sealed partial class DirtyAccuracyAnalyzer : IAnalyzer
{
    private const uint WriteBit = 0x2;

    private readonly TableWriter _accuracy;
    private readonly TableWriter _missed;
    private readonly TableWriter _spurious;
    // Row builders bound once (missed_writes and spurious_dirty can take a row per page read).
    private readonly MisreportColumns _missedColumns, _spuriousColumns;
    private readonly PrimitiveColumnBuilder<long> _missedWrites, _missedFirstWrite, _missedLastWrite;
    private readonly BoolColumnBuilder _spuriousPresent;
    private readonly Dictionary<int, DirtyTracker> _softDirty = [];
    private readonly Dictionary<int, DirtyTracker> _scan = [];
    private readonly DirtyTracker _clean = new(DirtyInterface.CleanRange, 0);
    private DirtyTracker? _lastSoftDirty;
    private bool _explicitBoundaries;
    private long _truePositives, _falsePositives, _falseNegatives;
    private ulong[] _sortKeys = new ulong[64];
    private int[] _sortSlots = new int[64];
    private PageTrack[] _carry = new PageTrack[64];

    public DirtyAccuracyAnalyzer(RunContext run)
    {
        _accuracy = new TableWriter(run, DirtySchemas.Accuracy);
        _missed = new TableWriter(run, DirtySchemas.MissedWrites);
        _spurious = new TableWriter(run, DirtySchemas.SpuriousDirty);
        _missedColumns = new MisreportColumns(_missed);
        _missedWrites = _missed.Arrow.Int64(_missed.Column("writes"));
        _missedFirstWrite = _missed.Arrow.Int64(_missed.Column("first_write_line"));
        _missedLastWrite = _missed.Arrow.Int64(_missed.Column("last_write_line"));
        _spuriousColumns = new MisreportColumns(_spurious);
        _spuriousPresent = _spurious.Arrow.Bool(_spurious.Column("present"));
    }

    /// <summary>Every kind: besides its own kinds, any effect of an exit, exec, mprotect or mremap moves its books (Route).</summary>
    public EffectKinds Consumes => EffectKinds.All;

    public void Observe(ReadOnlySpan<Effect> effects)
    {
        foreach (ref readonly var e in effects)
        {
            Route(in e);
        }
    }

    public IReadOnlyList<TableEntry> Complete()
    {
        foreach (var pid in SortedPids(_softDirty))
        {
            CloseInterval(_softDirty[pid], -1, resetPages: false);
        }

        foreach (var pid in SortedPids(_scan))
        {
            var scan = _scan[pid];
            CloseInterval(scan, scan.RoundLine != 0 ? scan.RoundLine : -1, resetPages: false);
        }

        CloseInterval(_clean, _clean.RoundLine != 0 ? _clean.RoundLine : -1, resetPages: false);
        return [_accuracy.Complete(), _missed.Complete(), _spurious.Complete()];
    }

    public IReadOnlyList<Metric> Metrics
    {
        get
        {
            var metrics = new List<Metric>();
            if (_truePositives + _falsePositives > 0)
            {
                metrics.Add(new("dirty_precision", (double)_truePositives / (_truePositives + _falsePositives)));
            }

            if (_truePositives + _falseNegatives > 0)
            {
                metrics.Add(new("dirty_recall", (double)_truePositives / (_truePositives + _falseNegatives)));
            }

            metrics.Add(new("missed_writes", _falseNegatives));
            metrics.Add(new("spurious_dirty", _falsePositives));
            return metrics;
        }
    }

    public void Dispose()
    {
        _accuracy.Dispose();
        _missed.Dispose();
        _spurious.Dispose();
    }

    private static ulong PageKey(ulong address) => address | 1;

    private static ulong FrameKey(long frame) => ((ulong)frame << 1) | 1;

    private void Route(in Effect e)
    {
        switch (e.Op)
        {
            case OpCode.Exit or OpCode.Exec:
                EndMm(e.Pid, e.Line);
                return;
            case OpCode.Mprotect or OpCode.Mremap:
                SoftDirty(e.Pid).MergeSeen = true;
                break;
            case OpCode.UffdWp or OpCode.PagemapScan:
                Scan(e.Pid); // uffd-wp registration (or the first scan) starts PAGEMAP_SCAN tracking of the mm
                break;
        }

        switch (e.Kind)
        {
            case EffectKind.GroundTruthWrite:
                Write(SoftDirty(e.Pid), PageKey(e.Addr), e.Line);
                if (_scan.Count != 0 && _scan.TryGetValue(e.Pid, out var scan))
                {
                    Write(scan, PageKey(e.Addr), e.Line);
                }

                if ((long)e.Aux >= 0)
                {
                    Write(_clean, FrameKey((long)e.Aux), e.Line);
                }

                break;
            case EffectKind.Fault when (e.Code & WriteBit) != 0 && e.Detail != (byte)FaultResolution.Segv:
                SoftDirty(e.Pid).Pages.GetOrAdd(PageKey(e.Addr)).Hints |= PageHints.WriteFaulted;
                if (_scan.Count != 0 && _scan.TryGetValue(e.Pid, out var scanned))
                {
                    scanned.Pages.GetOrAdd(PageKey(e.Addr)).Hints |= PageHints.WriteFaulted;
                }

                break;
            case EffectKind.PteChange:
                PteChanged(in e);
                break;
            case EffectKind.TlbFlush when e.Op == OpCode.ClearRefs && e.Detail != (byte)TlbFlushReason.TaskSwitch:
                ClearRefsFlushed(in e);
                break;
            case EffectKind.Observation:
                Observed(in e);
                break;
            case EffectKind.Hazard when e.Detail == (byte)HazardKind.LostDirty:
                var cause = e.Scope < Vocabulary.DirtyCauses.Count ? (DirtyCause)e.Scope : DirtyCause.Unknown;
                SoftDirty(e.Pid).Pages.GetOrAdd(PageKey(e.Addr)).ModelCause = cause;
                if (_scan.Count != 0 && _scan.TryGetValue(e.Pid, out var hazardScan))
                {
                    hazardScan.Pages.GetOrAdd(PageKey(e.Addr)).ModelCause = cause;
                }

                break;
            case EffectKind.DirtyReport when e.Op == OpCode.ClearRefs:
                _explicitBoundaries = true;
                SoftDirtyBoundary(SoftDirty(e.Pid), e.Line);
                break;
        }
    }

    private DirtyTracker SoftDirty(int pid)
    {
        if (_lastSoftDirty is { } last && last.Pid == pid)
        {
            return last;
        }

        if (!_softDirty.TryGetValue(pid, out var t))
        {
            t = new DirtyTracker(DirtyInterface.SoftDirty, pid);
            _softDirty[pid] = t;
        }

        _lastSoftDirty = t;
        return t;
    }

    private DirtyTracker Scan(int pid)
    {
        if (!_scan.TryGetValue(pid, out var t))
        {
            t = new DirtyTracker(DirtyInterface.PagemapScan, pid);
            _scan[pid] = t;
        }

        return t;
    }

    private static void Write(DirtyTracker t, ulong key, long line)
    {
        ref var page = ref t.Pages.GetOrAdd(key);
        if (page.Writes == 0)
        {
            page.FirstWriteLine = line;
        }

        page.Writes++;
        page.LastWriteLine = line;
    }

    private void PteChanged(in Effect e)
    {
        var t = SoftDirty(e.Pid);
        var key = PageKey(e.Addr);
        switch ((PteChangeKind)e.Detail)
        {
            case PteChangeKind.SoftDirtyClear when e.Op == OpCode.ClearRefs:
                if (!_explicitBoundaries)
                {
                    SoftDirtyBoundary(t, e.Line);
                }

                UpdatePte(t, key, e.Value);
                break;
            case PteChangeKind.YoungClear when e.Op == OpCode.ClearRefs:
                t.YoungClearLine = e.Line;
                UpdatePte(t, key, e.Value);
                break;
            case PteChangeKind.Install or PteChangeKind.Replace:
            {
                ref var page = ref t.Pages.GetOrAdd(key);
                page.Pte = e.Value;
                page.Hints |= PageHints.Installed;
                if ((PteChangeKind)e.Detail == PteChangeKind.Install && (e.Value & (Pte.Write | Pte.Dirty)) == Pte.Write)
                {
                    page.Hints |= PageHints.WritableInstall;
                }

                break;
            }

            case PteChangeKind.Upgrade:
            {
                ref var page = ref t.Pages.GetOrAdd(key);
                page.Pte = e.Value;
                if (e.Op == OpCode.Mprotect && (e.Value & Pte.Write) != 0 && (e.Aux & Pte.Write) == 0)
                {
                    page.Hints |= PageHints.MprotectUpgrade;
                }

                break;
            }

            case PteChangeKind.Move when e.Value != Pte.None:
            {
                ref var page = ref t.Pages.GetOrAdd(key);
                page.Pte = e.Value;
                page.Hints |= PageHints.Moved;
                break;
            }

            default:
                UpdatePte(t, key, e.Value);
                break;
        }
    }

    private static void UpdatePte(DirtyTracker t, ulong key, ulong pte)
    {
        var slot = t.Pages.IndexOf(key);
        if (slot >= 0)
        {
            t.Pages.Slots[slot].Pte = pte;
        }
    }

    private void ClearRefsFlushed(in Effect e)
    {
        var t = SoftDirty(e.Pid);
        if (!_explicitBoundaries && e.Count < 0 && t.YoungClearLine != e.Line)
        {
            SoftDirtyBoundary(t, e.Line); // a type-4 clear with nothing present still flushes the whole mm (SD-17)
        }

        if (t.BoundaryLine == e.Line)
        {
            t.BoundaryFlushed = true;
        }
    }

    private void Observed(in Effect e)
    {
        switch ((ObservationKind)e.Detail)
        {
            case ObservationKind.Pagemap:
                Read(SoftDirty(e.Pid), PageKey(e.Addr), in e, (e.Value & (1UL << 55)) != 0, (e.Value & (1UL << 63)) != 0, resetting: false);
                break;
            case ObservationKind.Written:
                Read(Scan(e.Pid), PageKey(e.Addr), in e, e.Value != 0, present: true, resetting: (e.Scope & 1) != 0);
                break;
            case ObservationKind.CleanBit when (long)e.Aux >= 0:
                Read(_clean, FrameKey((long)e.Aux), in e, e.Value != 0, present: true, resetting: true);
                break;
        }
    }

    private void Read(DirtyTracker t, ulong key, in Effect e, bool reported, bool present, bool resetting)
    {
        if (t.Interface != DirtyInterface.SoftDirty && t.RoundLine != 0 && t.RoundLine != e.Line)
        {
            CloseInterval(t, t.RoundLine, resetPages: false); // the previous round is over
            t.RoundLine = 0;
        }

        if (resetting)
        {
            t.RoundLine = e.Line;
        }

        ref var page = ref t.Pages.GetOrAdd(key);
        var written = page.Writes > 0;
        page.Class = (written, reported) switch
        {
            (true, true) => DirtyClass.TruePositive,
            (false, true) => DirtyClass.FalsePositive,
            (true, false) => DirtyClass.FalseNegative,
            _ => DirtyClass.TrueNegative,
        };
        page.Cause = page.Class switch
        {
            DirtyClass.FalseNegative => DirtyCauseRules.MissedWrite(t, in page),
            DirtyClass.FalsePositive => DirtyCauseRules.FalseDirty(t, in page, present),
            _ => DirtyCause.None,
        };
        page.ReadPresent = present;
        page.ReadOp = e.Op;
        page.ReadLine = e.Line;
        page.ReadAddress = e.Addr;
        page.WritesAtRead = page.Writes;
        page.FirstWriteLineAtRead = page.FirstWriteLine;
        page.LastWriteLineAtRead = page.LastWriteLine;
        if (resetting)
        {
            Finalize(t, in page);
            page.Restart();
        }
    }

    private void SoftDirtyBoundary(DirtyTracker t, long line)
    {
        if (t.BoundaryLine == line)
        {
            return;
        }

        CloseInterval(t, line, resetPages: true);
        t.BoundaryLine = line;
        t.BoundaryFlushed = false;
    }

    /// <summary>exit or exec: the mm is gone; a later mm of the pid starts untracked, like a fresh process.</summary>
    private void EndMm(int pid, long line)
    {
        if (_softDirty.TryGetValue(pid, out var t) && t.EndLine != line)
        {
            CloseInterval(t, line, resetPages: false);
            _softDirty[pid] = new DirtyTracker(DirtyInterface.SoftDirty, pid) { Interval = t.Interval, StartLine = line, EndLine = line };
            _lastSoftDirty = null;
        }

        if (_scan.Remove(pid, out var scan))
        {
            CloseInterval(scan, line, resetPages: false);
        }
    }

    private static List<int> SortedPids(Dictionary<int, DirtyTracker> trackers)
    {
        var pids = new List<int>(trackers.Keys);
        pids.Sort();
        return pids;
    }
}
