using MmReplay.Analyze.Validation;
using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tests.Validation;

/// <summary>
/// A small hand-made recording with planted disagreements, a remote flush the model cannot account for, a fault in
/// memory mapped before tracing, a kernel fault inside a clone and a task-switch flush: the comparison must fail where
/// the recording contradicts the model, and say "cannot tell" where the recording cannot decide.
/// </summary>
public sealed class PlantedDisagreementTests
{
    // Line numbers matter: each comment gives the line and what the model does with it.
    private const string Trace = """
        # tracer: nop
         wl-100   [000] .....   1.000001: sys_mmap(addr: 0, len: 0x3000, prot: 3, flags: 0x22, fd: 0xffffffff, off: 0)
         wl-100   [000] .....   1.000002: sys_mmap -> 0x7f0000000000
         wl-100   [000] d....   1.000003: page_fault_user: address=0x7f0000000010 ip=0x401000 error_code=0x6
         wl-100   [000] d....   1.000004: page_fault_user: address=0x7f0000001010 ip=0x401000 error_code=0x7
         wl-100   [000] d..2.   1.000005: tlb_flush: pages:1 reason:local MM shootdown (3)
         wl-100   [000] d....   1.000006: page_fault_user: address=0x7f0000002000 ip=0x401000 error_code=0x4
         wl-100   [000] ...2.   1.000007: tlb_flush: pages:1 reason:remote IPI send (4)
         <idle>-0     [001] d.h..   1.000008: tlb_flush: pages:1 reason:remote shootdown (1)
         wl-100   [000] .....   1.000009: sys_munmap(addr: 0x7f0000000000, len: 0x3000)
         wl-100   [000] d..1.   1.000010: tlb_flush: pages:3 reason:local MM shootdown (3)
         wl-100   [000] .....   1.000011: sys_munmap -> 0x0
         other-55  [001] d..2.   1.000012: tlb_flush: pages:-1 reason:flush on task switch (0)
         wl-100   [000] d....   1.000013: page_fault_user: address=0x7f5500000000 ip=0x401000 error_code=0x6
         wl-100   [000] .....   1.000014: sys_mmap(addr: 0, len: 0x1000, prot: 3, flags: 0x22, fd: 0xffffffff, off: 0)
         wl-100   [000] .....   1.000015: sys_mmap -> 0x7f0000010000
         wl-100   [000] .....   1.000016: sys_clone(clone_flags: 0x100011, newsp: 0, parent_tidptr: 0x7f0000010000, child_tidptr: 0, tls: 0)
         wl-100   [000] d..1.   1.000017: tlb_flush: pages:-1 reason:local MM shootdown (3)
         wl-100   [000] .....   1.000018: sched_process_fork: comm=wl pid=100 child_comm=wl child_pid=101
         wl-100   [000] d....   1.000019: page_fault_kernel: address=0x7f0000010000 ip=__put_user_4 error_code=0x2
         wl-100   [000] .....   1.000020: sys_clone -> 0x65

        """;

    [Fact]
    public void Planted_contradictions_disagree_and_the_rest_agrees()
    {
        var report = Recording.ValidateText(Trace).Report;
        var rows = report.Rows.ToDictionary(r => r.Line);

        // Line 4: first write to page 0: not present -> 0x6, a new page, no flush.
        Assert.Equal(Verdict.Agree, rows[4].Fault);
        Assert.Equal(FaultResolution.NewPage, rows[4].PredictedResolution);
        Assert.Equal(Verdict.Agree, rows[4].Local);
        // Line 5 (planted): page 1 was never touched, so a write finds no PTE: the model says 0x6, the recording 0x7;
        // and the model has no reason for the 1-page flush logged after it (line 6).
        Assert.Equal(Verdict.Disagree, rows[5].Fault);
        Assert.Equal(0x6, rows[5].PredictedErrorCode);
        Assert.Equal(Verdict.Disagree, rows[5].Local);
        Assert.Equal([1L], rows[5].RecordedFlushes!.LocalPages);
        Assert.Empty(rows[5].PredictedFlushes!.LocalPages);
        Assert.Contains("kernel 0x7, model 0x6", rows[5].Note, StringComparison.Ordinal);
        // Line 7: read of page 2 maps the zero page (0x4, agree). The IPI send (line 8) and the shootdown on CPU 1
        // (line 9) follow it; the model ran this mm on CPU 0 only, so it sends none: not a disagreement, since which
        // CPUs held the mm is not recorded.
        Assert.Equal(Verdict.Agree, rows[7].Fault);
        Assert.Equal(FaultResolution.ZeroPage, rows[7].PredictedResolution);
        Assert.Equal(Verdict.CannotTell, rows[7].Remote);
        Assert.Equal([1L], rows[7].RecordedFlushes!.IpiSendPages);
        Assert.Equal(1, rows[7].RecordedFlushes!.RemoteShootdowns);
        // Line 12: munmap of 3 present pages: one 3-page flush inside the window, recorded and predicted.
        Assert.Equal(OpCode.Munmap, rows[12].Op);
        Assert.Equal([3L], rows[12].PredictedFlushes!.LocalPages);
        Assert.Equal(Verdict.Agree, rows[12].Local);
        // Line 14: the address was never mapped in the trace: the model SIGSEGVs, the recording cannot tell why.
        Assert.Equal(Verdict.CannotTell, rows[14].Fault);
        Assert.Equal(FaultResolution.Segv, rows[14].PredictedResolution);
        // Lines 17-21: the fork op (line 19) heads the clone window; its full flush (line 18) and the kernel-mode
        // fault of CLONE_PARENT_SETTID (line 20, not present, write: code 0x2 without the user bit) belong to it.
        Assert.Equal(OpCode.Fork, rows[19].Op);
        Assert.Equal([-1L], rows[19].RecordedFlushes!.LocalPages);
        Assert.Equal([-1L], rows[19].PredictedFlushes!.LocalPages);
        Assert.Equal(Verdict.Agree, rows[19].Local);
        Assert.Equal(19, rows[20].GroupLine);
        Assert.False(rows[20].IsGroupHead);
        Assert.Equal(0x2, rows[20].PredictedErrorCode);
        Assert.Equal(Verdict.Agree, rows[20].Fault);
        Assert.Equal(Verdict.NotCompared, rows[20].Local);

        // Faults: lines 4, 7, 20 agree, 5 disagrees, 14 cannot tell. Local (group heads 3, 4, 5, 7, 12, 14, 16, 19):
        // only 5 disagrees. Remote: only 7 cannot tell. Decided: 3 + 7 + 7 = 17 agree, 2 disagree.
        Assert.Equal((3, 1, 1), Triple(report.Counts(ComparisonKind.FaultCode)));
        Assert.Equal((7, 1, 0), Triple(report.Counts(ComparisonKind.LocalFlushes)));
        Assert.Equal((7, 0, 1), Triple(report.Counts(ComparisonKind.RemoteFlushes)));
        Assert.Equal(100.0 * 17 / 19, report.Total.AgreementPercent, 6);

        // The task switch logged by another task on CPU 1 belongs to CPU 1, not to an op.
        var cpu1 = Assert.Single(report.Cpus, c => c.Cpu == 1);
        Assert.Equal(1, cpu1.RecordedFull);
        Assert.Empty(report.Unattributed);

        var summary = report.Summary("planted");
        Assert.Contains("line 5 pid 100 tid 100 cpu0 fault 0x7f0000001010 error_code=0x7", summary, StringComparison.Ordinal);
        Assert.Contains("agreement 89.5% of 19 decided comparisons (17 agree, 2 disagree); 2 cannot tell", summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flush_inside_a_syscall_without_an_op_is_reported_unattributed()
    {
        // io_uring_enter is traced but not replayed: its flush has no op to be compared with.
        const string text = """
             wl-100   [000] .....   1.000001: sys_io_uring_enter(fd: 3, to_submit: 1, min_complete: 0, flags: 0, argp: 0, argsz: 0)
             wl-100   [000] d..1.   1.000002: tlb_flush: pages:4 reason:local MM shootdown (3)
             wl-100   [000] .....   1.000003: sys_io_uring_enter -> 0x1

            """;
        var report = Recording.ValidateText(text).Report;

        Assert.Empty(report.Rows);
        var flush = Assert.Single(report.Unattributed);
        Assert.Equal(2, flush.Line);
        Assert.Equal(4, flush.Pages);
        Assert.Contains("lines 1-3", flush.Why, StringComparison.Ordinal);
    }

    private static (int, int, int) Triple(VerdictCounts c) => (c.Agree, c.Disagree, c.CannotTell);
}
