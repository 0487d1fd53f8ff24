using MmReplay.Analyze.Dirty;
using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tests;

/// <summary>
/// Effects the model does not emit yet (PAGEMAP_SCAN and clean_range observations, LostDirty hazards, an explicit
/// clear_refs DirtyReport), fed to the analyzer directly as the proposed contract describes them.
/// </summary>
public sealed class DirtyAccuracyEffectTests : IDisposable
{
    private const ulong A = 0x1000_0000, B = 0x1000_1000, C = 0x1000_2000;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mmreplay-analyze-tests", Guid.NewGuid().ToString("n"));

    [Fact]
    public void Scan_rounds_clean_rounds_model_causes_and_explicit_boundaries()
    {
        Effect[] effects =
        [
            // PAGEMAP_SCAN, pid 7: uffd_wp registration (line 10) starts tracking; A and B written, C not.
            Pte(10, OpCode.UffdWp, 7, A),
            Write(11, 7, A, frame: 5),
            Write(12, 7, B, frame: 6),
            // Round at line 13 (clear=1: resetting): A reported (TP), B not (FN: uffd-wp async loses a write only
            // through a stale translation, DH-5 -> stale_dirty_tlb), C reported without a write (FP, unknown).
            Observed(13, OpCode.PagemapScan, 7, ObservationKind.Written, A, 1, reset: true),
            Observed(13, OpCode.PagemapScan, 7, ObservationKind.Written, B, 0, reset: true),
            Observed(13, OpCode.PagemapScan, 7, ObservationKind.Written, C, 1, reset: true),
            Write(14, 7, A, frame: 5),
            // Round at line 15 closes the first (row: interval 0, lines 0..13) and reports A written again (TP).
            Observed(15, OpCode.PagemapScan, 7, ObservationKind.Written, A, 1, reset: true),

            // clean_range, keyed by file page (frame in Aux): frame 42 written, bit set (TP); frame 43 bit set
            // but never written (FP).
            Write(20, 8, 0x2000_0000, frame: 42),
            Observed(21, OpCode.CleanRange, 8, ObservationKind.CleanBit, 3, 1, reset: true, frame: 42),
            Observed(21, OpCode.CleanRange, 8, ObservationKind.CleanBit, 4, 1, reset: true, frame: 43),

            // soft-dirty, pid 9, with an explicit boundary: the DirtyReport of clear_refs (31) starts interval 1;
            // afterwards a SoftDirtyClear (33) no longer counts as a boundary. The model names the cause of the
            // lost write at 32 (Hazard LostDirty, Scope = DirtyCause).
            Write(30, 9, A, frame: 50),
            new Effect { Kind = EffectKind.DirtyReport, Op = OpCode.ClearRefs, Line = 31, Pid = 9, Addr = 0, End = ulong.MaxValue },
            Write(32, 9, A, frame: 50),
            new Effect { Kind = EffectKind.Hazard, Detail = (byte)HazardKind.LostDirty, Scope = (byte)DirtyCause.StaleDirtyTlb, Op = OpCode.Write, Line = 32, Pid = 9, Addr = A },
            new Effect { Kind = EffectKind.PteChange, Detail = (byte)PteChangeKind.SoftDirtyClear, Op = OpCode.ClearRefs, Line = 33, Pid = 9, Addr = B },
            Observed(34, OpCode.Pagemap, 9, ObservationKind.Pagemap, A, 1UL << 63, reset: false),
        ];

        Directory.CreateDirectory(_directory);
        using (var analyzer = new DirtyAccuracyAnalyzer(new RunContext("effects", "test", 0, _directory)))
        {
            analyzer.Observe(effects.AsSpan(0, 9)); // batches may split anywhere
            analyzer.Observe(effects.AsSpan(9));
            analyzer.Complete();
        }

        var accuracy = TableRows.Read(Path.Combine(_directory, "dirty_accuracy.arrow"));
        // Rows in the order intervals close: scan round 13 when round 15 begins; then, at the end, soft-dirty
        // pids in order (9: interval 1 from the DirtyReport at 31, its read at 34 is FN), scan pid 7's last
        // round, clean_range's round 21.
        Assert.Equal(
            [
                "pid=7 interface=pagemap_scan interval=0 start_line=0 end_line=13 pages_read=3 true_positives=1 false_positives=1 false_negatives=1 precision=0.5 recall=0.5",
                "pid=9 interface=soft_dirty interval=1 start_line=31 end_line=-1 pages_read=1 true_positives=0 false_positives=0 false_negatives=1 precision=null recall=0",
                "pid=7 interface=pagemap_scan interval=1 start_line=13 end_line=15 pages_read=1 true_positives=1 false_positives=0 false_negatives=0 precision=1 recall=1",
                "pid=0 interface=clean_range interval=0 start_line=0 end_line=21 pages_read=2 true_positives=1 false_positives=1 false_negatives=0 precision=0.5 recall=1",
            ],
            accuracy.Project("pid", "interface", "interval", "start_line", "end_line", "pages_read", "true_positives", "false_positives", "false_negatives", "precision", "recall"));

        var missed = TableRows.Read(Path.Combine(_directory, "missed_writes.arrow"));
        Assert.Equal(
            [
                "pid=7 interface=pagemap_scan address=0x10001000 writes=1 read_line=13 read_op=pagemap_scan cause=stale_dirty_tlb rule=DH-5",
                "pid=9 interface=soft_dirty address=0x10000000 writes=1 read_line=34 read_op=pagemap cause=stale_dirty_tlb rule=DH-5",
            ],
            missed.Project("pid", "interface", "address", "writes", "read_line", "read_op", "cause", "rule"));

        var spurious = TableRows.Read(Path.Combine(_directory, "spurious_dirty.arrow"));
        Assert.Equal(
            [
                "pid=7 interface=pagemap_scan address=0x10002000 read_line=13 cause=unknown",
                "pid=0 interface=clean_range address=0x4 read_line=21 cause=unknown",
            ],
            spurious.Project("pid", "interface", "address", "read_line", "cause"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static Effect Write(long line, int pid, ulong addr, int frame) =>
        new() { Kind = EffectKind.GroundTruthWrite, Op = OpCode.Write, Line = line, Pid = pid, Addr = addr, Aux = (ulong)frame };

    private static Effect Pte(long line, OpCode op, int pid, ulong addr) =>
        new() { Kind = EffectKind.PteChange, Detail = (byte)PteChangeKind.WriteProtect, Op = op, Line = line, Pid = pid, Addr = addr };

    private static Effect Observed(long line, OpCode op, int pid, ObservationKind kind, ulong addr, ulong value, bool reset, long frame = -1) =>
        new() { Kind = EffectKind.Observation, Detail = (byte)kind, Op = op, Line = line, Pid = pid, Addr = addr, Value = value, Aux = (ulong)frame, Scope = reset ? (byte)1 : (byte)0 };
}
