using MmReplay.Ingest.Ftrace;

namespace MmReplay.Ingest.Tests.Ftrace;

/// <summary>
/// The two real recordings (../shared/traces/real): parse with zero unparsed lines and reproduce the facts its README
/// and counts.txt state. Region boundaries come from the trace itself (the mmap exit values), not from constants.
/// </summary>
public sealed class RealTraceTests
{
    private const ulong Page = 4096;

    [Theory]
    [InlineData("anon-seq-rand", "trace.txt", 701, 12, FtraceFlavor.Tracefs)]
    [InlineData("fork-cow-tracecmd", "trace.txt", 678, 12, FtraceFlavor.Tracefs)]
    [InlineData("fork-cow-tracecmd", "trace-cmd-report.txt", 678, 1, FtraceFlavor.TraceCmdReport)]
    public void Every_line_parses_and_is_accounted_for(string recording, string file, long events, long header, FtraceFlavor flavor)
    {
        // counts.txt: total_events 701 / 678, unparsed_lines 0. tracefs adds a 12-line '#' header, trace-cmd one 'cpus=2'.
        var (_, stats, _) = SharedTraces.Parse(recording, file);
        Assert.True(stats.MalformedLines == 0, stats.Summary());
        Assert.Equal(0, stats.UnknownEvents);
        Assert.Equal(events, stats.EventLines);
        Assert.Equal(header, stats.HeaderLines);
        Assert.Equal(stats.LinesRead, stats.HeaderLines + stats.EventLines + stats.MalformedLines + stats.LostEventLines);
        Assert.Equal(flavor, stats.Flavor);
        // Every event line has one outcome: an op, a pending syscall entry, a marker, ignored, unknown or dropped.
        // No vfork exec here, so ops and lines match one to one.
        Assert.Equal(stats.EventLines, stats.EventsEmitted + stats.SyscallEntries + stats.MarkerLines + stats.IgnoredEvents
            + stats.UnknownEvents + stats.DroppedEvents);
    }

    [Fact]
    public void AnonSeqRand_ops_match_counts_txt()
    {
        var (events, stats, markers) = SharedTraces.Parse("anon-seq-rand", "trace.txt");
        // counts.txt: page_fault_user 404 + page_fault_kernel 4 (all on user addresses) = 408 faults;
        // tlb_flush 33; 10 mmaps + the one brk that grew the heap (0x557168581000 -> 0x5571685a2000) = 11 Mmap;
        // 3 munmap, 3 mprotect, 2 madvise (MADV_NOHUGEPAGE, behavior 0xf), 1 exec, 1 exit; 21 GT markers.
        Assert.Equal(408, stats.Emitted(OpCode.Fault));
        Assert.Equal(33, stats.Emitted(OpCode.TlbFlush));
        Assert.Equal(11, stats.Emitted(OpCode.Mmap));
        Assert.Equal(3, stats.Emitted(OpCode.Munmap));
        Assert.Equal(3, stats.Emitted(OpCode.Mprotect));
        Assert.Equal(2, stats.Emitted(OpCode.Madvise));
        Assert.Equal(1, stats.Emitted(OpCode.Exec));
        Assert.Equal(1, stats.Emitted(OpCode.Exit));
        Assert.Equal(21, markers.Count);
        Assert.Equal(stats.EventsEmitted, events.Count);
        // mmap_lock_* lines are read and ignored: 67 + 64 + 64.
        Assert.Equal(195, stats.IgnoredByName.Where(kv => kv.Key.StartsWith("mmap_lock_")).Sum(kv => kv.Value));

        var heap = events.Single(e => e.Op == OpCode.Mmap && e.Addr == 0x557168581000);
        Assert.Equal(0x21000UL, heap.Len);
        Assert.Equal(Prot.Read | Prot.Write, heap.Prot);
    }

    [Fact]
    public void AnonSeqRand_faults_per_region_match_the_readme()
    {
        var (events, _, _) = SharedTraces.Parse("anon-seq-rand", "trace.txt");
        // A and B are the only 1 MiB and 256 KiB anonymous mmaps; their addresses come from the mmap exit values
        // (groundtruth.log: A = 0x7ff99d25f000, B = 0x7ff99d21f000).
        var a = events.Single(e => e.Op == OpCode.Mmap && e.Len == 256 * Page);
        var b = events.Single(e => e.Op == OpCode.Mmap && e.Len == 64 * Page);
        Assert.Equal(0x7ff99d25f000UL, a.Addr);
        Assert.Equal(0x7ff99d21f000UL, b.Addr);
        Assert.True(a.Backing == Backing.Anon && !a.Shared && a.Prot == (Prot.Read | Prot.Write));

        // README: A's 256 first writes = 256 x 0x6, re-reads no faults; B's 64 first reads = 64 x 0x4, then 16 x 0x7.
        Assert.Equal([(0x6u, 256)], FaultsIn(events, a));
        Assert.Equal([(0x4u, 64), (0x7u, 16)], FaultsIn(events, b));
        // Each of A's write faults hits a distinct page, in ascending order (the sequential write loop).
        var aPages = events.Where(e => e.Op == OpCode.Fault && In(e, a)).Select(e => (e.Addr - a.Addr) / Page).ToList();
        Assert.Equal(Enumerable.Range(0, 256).Select(i => (ulong)i), aPages);
        Assert.All(events.Where(e => e.Op == OpCode.Fault && In(e, a)), e => Assert.Equal(Access.Write, e.Access));

        // Each 0x7 in B (zero page replaced) is followed by a 1-page local MM shootdown before the next fault.
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i].Op == OpCode.Fault && In(events[i], b) && events[i].ErrorCode == 0x7)
            {
                var next = events.Skip(i + 1).First(e => e.Op is OpCode.Fault or OpCode.TlbFlush);
                Assert.Equal(OpCode.TlbFlush, next.Op);
                Assert.Equal(1, next.Count);
                Assert.Equal(TlbFlushReason.LocalMmShootdown, next.TlbReason);
            }
        }

        // munmap of A and of B: exactly one flush inside each call, a full local flush (pages -1). The munmap op is
        // emitted at the syscall exit, so the call's flushes are those between its entry line and the op.
        var lines = File.ReadAllLines(SharedTraces.PathOf("anon-seq-rand", "trace.txt"));
        foreach (var region in new[] { a, b })
        {
            var at = events.FindIndex(e => e.Op == OpCode.Munmap && e.Addr == region.Addr);
            Assert.True(at > 0, $"no munmap of {region.Addr:x}");
            Assert.Equal(region.Len, events[at].Len);
            var entry = 1 + Array.FindIndex(lines, l => l.Contains($"sys_munmap(addr: 0x{region.Addr:x},"));
            var flushes = events.Take(at).Where(e => e.Op == OpCode.TlbFlush && e.Line > entry)
                .Select(e => (e.TlbReason, e.Count)).ToList();
            Assert.Equal([(TlbFlushReason.LocalMmShootdown, -1L)], flushes);
        }
    }

    [Fact]
    public void ForkCow_faults_and_flushes_match_the_readme()
    {
        var (events, stats, _) = SharedTraces.Parse("fork-cow-tracecmd", "trace.txt");
        const int Parent = 12427, Child = 12428;
        // R is the only 256 KiB mapping (groundtruth.log: 0x7fe0a726c000, 64 pages).
        var r = events.Single(e => e.Op == OpCode.Mmap && e.Len == 64 * Page);
        Assert.Equal(0x7fe0a726c000UL, r.Addr);

        var fork = events.FindIndex(e => e.Op == OpCode.Fork);
        Assert.Equal(Parent, events[fork].Pid);
        Assert.Equal(Child, events[fork].OtherPid);
        Assert.Equal(1, stats.Emitted(OpCode.Fork));
        Assert.Equal(2, stats.Emitted(OpCode.Exit));
        var childExit = events.FindIndex(e => e.Op == OpCode.Exit && e.Pid == Child);
        Assert.True(childExit > fork);

        // Before fork: 64 x 0x6 by the parent on pages 0-63 (counts.txt: R 12427 0x6 64).
        var beforeFork = events.Take(fork).Where(e => e.Op == OpCode.Fault && In(e, r)).ToList();
        Assert.Equal(64, beforeFork.Count);
        Assert.All(beforeFork, e => Assert.True(e.Pid == Parent && e.ErrorCode == 0x6));

        // clone flushed the parent once, a full local flush, inside the clone call (between its entry and the fork op).
        var lines = File.ReadAllLines(SharedTraces.PathOf("fork-cow-tracecmd", "trace.txt"));
        var cloneEntry = 1 + Array.FindIndex(lines, l => l.Contains("sys_clone(clone_flags:"));
        var inClone = events.Take(fork).Where(e => e.Op == OpCode.TlbFlush && e.Line > cloneEntry)
            .Select(e => (e.Pid, e.TlbReason, e.Count)).ToList();
        Assert.Equal([(Parent, TlbFlushReason.LocalMmShootdown, -1L)], inClone);

        // After fork, only 0x7 in R: parent 16 (pages 0-15) then, after the child exited, 48 (pages 16-63);
        // child 24 on pages 8-31 (counts.txt: R 12427 0x7 64, R 12428 0x7 24).
        var parentCow = PagesFaulted(events, r, Parent, 0x7, fork, childExit);
        var parentAfterExit = PagesFaulted(events, r, Parent, 0x7, childExit, events.Count);
        var childCow = PagesFaulted(events, r, Child, 0x7, fork, childExit);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (ulong)i), parentCow.Order());
        Assert.Equal(Enumerable.Range(16, 48).Select(i => (ulong)i), parentAfterExit.Order());
        Assert.Equal(Enumerable.Range(8, 24).Select(i => (ulong)i), childCow.Order());
        Assert.DoesNotContain(events.Skip(fork), e => e.Op == OpCode.Fault && In(e, r) && e.ErrorCode != 0x7);

        // Parent writes 0-15: each COW fault is followed by a 1-page flush of the parent.
        // After the child exits, the parent's 48 writes reuse the pages in place: no flush of the parent meanwhile.
        var firstLate = events.FindIndex(childExit, e => e.Op == OpCode.Fault && In(e, r) && e.Pid == Parent);
        var lastLate = events.FindLastIndex(e => e.Op == OpCode.Fault && In(e, r) && e.Pid == Parent);
        Assert.DoesNotContain(events.Skip(firstLate).Take(lastLate - firstLate), e => e.Op == OpCode.TlbFlush && e.Pid == Parent);
        for (var i = fork; i < childExit; i++)
        {
            if (events[i].Op == OpCode.Fault && In(events[i], r) && events[i].Pid == Parent)
            {
                var next = events.Skip(i + 1).First(e => e.Pid == Parent && e.Op is OpCode.Fault or OpCode.TlbFlush);
                Assert.True(next.Op == OpCode.TlbFlush && next.Count == 1, $"line {events[i].Line}: no 1-page flush after the parent's COW fault");
            }
        }

        // Task-switch flushes are attributed to the CPU (pid 0), whoever the trace names (dotnet-10227, migration/0-18).
        var taskSwitch = events.Where(e => e.Op == OpCode.TlbFlush && e.TlbReason == TlbFlushReason.TaskSwitch).ToList();
        Assert.Equal(8, taskSwitch.Count);
        Assert.All(taskSwitch, e => Assert.True(e.Pid == 0 && e.Tid == 0));
        // counts.txt tlb_flush_by_reason: 0:8, 3:63, 4:19.
        Assert.Equal(63, events.Count(e => e.Op == OpCode.TlbFlush && e.TlbReason == TlbFlushReason.LocalMmShootdown));
        Assert.Equal(19, events.Count(e => e.Op == OpCode.TlbFlush && e.TlbReason == TlbFlushReason.RemoteSendIpi));
    }

    [Fact]
    public void ForkCow_tracefs_and_trace_cmd_renderings_give_the_same_events()
    {
        var (fromTracefs, tracefsStats, tracefsMarkers) = SharedTraces.Parse("fork-cow-tracecmd", "trace.txt");
        var (fromTraceCmd, traceCmdStats, traceCmdMarkers) = SharedTraces.Parse("fork-cow-tracecmd", "trace-cmd-report.txt");
        Assert.Equal(fromTracefs.Count, fromTraceCmd.Count);
        Assert.Equal(tracefsStats.EventsEmitted, traceCmdStats.EventsEmitted);
        // tracefs has 11 more header lines (12 '#' lines against one 'cpus=2'), so line numbers shift by 11;
        // both tools print microseconds here, so timestamps agree exactly.
        for (var i = 0; i < fromTracefs.Count; i++)
        {
            var expected = fromTracefs[i];
            var actual = fromTraceCmd[i];
            Assert.Equal(expected.Line - 11, actual.Line);
            actual.Line = expected.Line;
            Assert.True(expected.Equals(actual), $"event {i} (tracefs line {expected.Line}) differs: {expected.Op} vs {actual.Op}");
        }

        Assert.Equal(tracefsMarkers.Select(m => m.Text), traceCmdMarkers.Select(m => m.Text));
        Assert.Equal(30, tracefsMarkers.Count);
        Assert.StartsWith("GT op=start workload=wl_c_fork_cow", tracefsMarkers[0].Text);
    }

    private static bool In(TraceEvent e, TraceEvent region) => e.Addr >= region.Addr && e.Addr < region.Addr + region.Len;

    /// <summary>(error code, count) of the faults inside <paramref name="region"/>, by error code.</summary>
    private static List<(uint, int)> FaultsIn(List<TraceEvent> events, TraceEvent region) =>
        events.Where(e => e.Op == OpCode.Fault && In(e, region))
            .GroupBy(e => e.ErrorCode).OrderBy(g => g.Key).Select(g => (g.Key, g.Count())).ToList();

    private static List<ulong> PagesFaulted(List<TraceEvent> events, TraceEvent region, int pid, uint errorCode, int from, int to) =>
        events.Skip(from).Take(to - from)
            .Where(e => e.Op == OpCode.Fault && In(e, region) && e.Pid == pid && e.ErrorCode == errorCode)
            .Select(e => (e.Addr - region.Addr) / Page).ToList();
}
