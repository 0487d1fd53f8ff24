using MmReplay.Ingest.Ftrace;

namespace MmReplay.Ingest.Tests.Ftrace;

/// <summary>Record stream to trace events: syscall pairing per tid, process lifecycle, attribution, accounting.</summary>
public sealed class FtraceMapperTests
{
    private static List<TraceEvent> Ops(string text, out FtraceStats stats)
    {
        var (events, s, _) = SharedTraces.ParseText(text);
        stats = s;
        return events;
    }

    [Fact]
    public void Mmap_takes_its_address_from_the_exit_and_decodes_prot_and_flags()
    {
        // MAP_SHARED|MAP_ANONYMOUS|MAP_POPULATE = 0x8021, prot 7 = rwx; length 0x1800 rounds up to two pages.
        var events = Ops("""
             wl-10 [001] .....   2.000001: sys_mmap(addr: 0, len: 0x1800, prot: 7, flags: 0x8021, fd: 0xffffffff, off: 0)
             wl-10 [001] d....   2.000002: page_fault_user: address=0x1234 ip=0x1 error_code=0x4
             wl-10 [001] .....   2.000003: sys_mmap -> 0x7f0000001000
            """, out var stats);
        Assert.Equal(2, events.Count);
        var mmap = events[1];
        Assert.Equal(OpCode.Mmap, mmap.Op);
        Assert.Equal(3, mmap.Line);
        Assert.Equal(2_000_003_000UL, mmap.TimeNs);
        Assert.Equal((1, 10, 10), (mmap.Cpu, mmap.Pid, mmap.Tid));
        Assert.Equal(0x7f0000001000UL, mmap.Addr);
        Assert.Equal(0x2000UL, mmap.Len);
        Assert.Equal(Prot.Read | Prot.Write | Prot.Exec, mmap.Prot);
        Assert.True(mmap.Shared);
        Assert.Equal(Backing.Anon, mmap.Backing);
        Assert.Equal(FileSystem.Shmem, mmap.Fs);
        Assert.Equal(MmapFlags.Populate, mmap.MmapFlags);
        Assert.Equal(1, stats.SyscallEntries);
    }

    [Fact]
    public void File_mmap_keeps_fd_and_page_offset()
    {
        // trace-cmd form: MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE = 0x812, fd 3, offset 0x26000 = page 0x26.
        var events = Ops("""
            cpus=2
               ld-7 [000]   1.000000: sys_enter_mmap:       addr: 0x7fe0a72d5000, len: 0x00156000, prot: 0x00000005, flags: 0x00000812, fd: 0x00000003, off: 0x00026000
               ld-7 [000]   1.000001: sys_exit_mmap:        0x7fe0a72d5000
            """, out _);
        var mmap = Assert.Single(events);
        Assert.Equal((0x7fe0a72d5000UL, 0x156000UL), (mmap.Addr, mmap.Len));
        Assert.Equal(Prot.Read | Prot.Exec, mmap.Prot);
        Assert.False(mmap.Shared);
        Assert.Equal(Backing.File, mmap.Backing);
        Assert.Equal(3, mmap.FileId);
        Assert.Equal(0x26UL, mmap.PgOff);
    }

    [Fact]
    public void Syscalls_pair_per_tid_and_failures_emit_nothing()
    {
        // Two threads interleave; tid 11's munmap fails with -EINVAL (0xffffffffffffffea); tid 12's madvise
        // MADV_DONTNEED (4) succeeds; mprotect to PROT_READ; mremap moves 2 pages to 0x9000 with new length 3 pages.
        var events = Ops("""
             t-11 [000] .....   1.0: sys_munmap(addr: 0x5000, len: 0x1000)
             t-12 [001] .....   1.1: sys_madvise(start: 0x7000, len_in: 0x2000, behavior: 4)
             t-11 [000] .....   1.2: sys_munmap -> 0xffffffffffffffea
             t-12 [001] .....   1.3: sys_madvise -> 0x0
             t-12 [001] .....   1.4: sys_mprotect(start: 0x7000, len: 0x1000, prot: 1)
             t-12 [001] .....   1.5: sys_mprotect -> 0x0
             t-12 [001] .....   1.6: sys_mremap(addr: 0x7000, old_len: 0x2000, new_len: 0x3000, flags: 1, new_addr: 0)
             t-12 [001] .....   1.7: sys_mremap -> 0x9000
             t-12 [001] .....   1.8: sys_madvise(start: 0x7000, len_in: 0x2000, behavior: 8)
             t-12 [001] .....   1.9: sys_madvise -> 0x0
            """, out var stats);
        Assert.Equal([OpCode.Madvise, OpCode.Mprotect, OpCode.Mremap], events.Select(e => e.Op));
        Assert.Equal((0x7000UL, 0x2000UL, Advice.DontNeed, 12), (events[0].Addr, events[0].Len, events[0].Advice, events[0].Tid));
        Assert.Equal(Prot.Read, events[1].Prot);
        Assert.Equal((0x7000UL, 0x2000UL, 0x9000UL, 0x3000UL), (events[2].Addr, events[2].Len, events[2].Value, events[2].PgOff));
        Assert.Equal(1, stats.DroppedByReason[FtraceDropReasons.FailedSyscall]);
        // MADV_FREE (8) is not in the model's vocabulary: counted, not guessed.
        Assert.Equal(1, stats.DroppedByReason[FtraceDropReasons.AdviceNotModelled]);
    }

    [Fact]
    public void Fork_thread_and_exit_follow_the_clone_flags()
    {
        // 0x1200011 = CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD (fork); 0x3d0f00 includes CLONE_VM and CLONE_THREAD
        // (pthread_create). The thread's fault belongs to its process's mm; the thread's exit ends nothing;
        // the child's exit with group_dead ends the child's mm.
        var events = Ops("""
             p-100 [000] .....   1.0: sys_clone(clone_flags: 0x1200011, newsp: 0, parent_tidptr: 0, child_tidptr: 0x7f, tls: 0)
             p-100 [000] .....   1.1: sched_process_fork: comm=p pid=100 child_comm=p child_pid=101
             p-100 [000] .....   1.2: sys_clone -> 0x65
             p-101 [001] .....   1.3: sys_clone -> 0x0
             p-100 [000] .....   1.4: sys_clone(clone_flags: 0x3d0f00, newsp: 0x7f00, parent_tidptr: 0x7f10, child_tidptr: 0x7f10, tls: 0x7f20)
             p-100 [000] .....   1.5: sched_process_fork: comm=p pid=100 child_comm=p child_pid=102
             p-100 [000] .....   1.6: sys_clone -> 0x66
             p-102 [001] d....   1.7: page_fault_user: address=0x4000 ip=0x1 error_code=0x6
             p-102 [001] .....   1.8: sched_process_exit: comm=p pid=102 prio=120 group_dead=false
             p-101 [001] .....   1.9: sched_process_exit: comm=p pid=101 prio=120 group_dead=true
            """, out var stats);
        Assert.Equal([OpCode.Fork, OpCode.Fault, OpCode.Exit], events.Select(e => e.Op));
        Assert.Equal((100, 101), (events[0].Pid, events[0].OtherPid));
        Assert.Equal((100, 102), (events[1].Pid, events[1].Tid));
        Assert.Equal(Access.Write, events[1].Access);
        Assert.Equal(101, events[2].Pid);
        Assert.Equal(1, stats.DroppedByReason[FtraceDropReasons.ThreadCreated]);
        Assert.Equal(1, stats.DroppedByReason[FtraceDropReasons.ThreadExit]);
        Assert.Equal(1, stats.DroppedByReason[FtraceDropReasons.CloneInChild]);
        Assert.Equal(2, stats.DroppedByReason[FtraceDropReasons.ForkAlreadySeen]);
    }

    [Fact]
    public void Vfork_child_borrows_the_mm_until_exec()
    {
        // vfork: the child's fault is in the parent's mm; at exec the model gets the fork it skipped, then the exec.
        var events = Ops("""
             sh-200 [000] .....   1.0: sys_vfork()
             sh-200 [000] .....   1.1: sched_process_fork: comm=sh pid=200 child_comm=sh child_pid=201
             sh-201 [001] d....   1.2: page_fault_user: address=0x4000 ip=0x1 error_code=0x6
             sh-201 [001] .....   1.3: sched_process_exec: filename=/bin/ls pid=201 old_pid=201
             ls-201 [001] d....   1.4: page_fault_user: address=0x4000 ip=0x1 error_code=0x4
            """, out var stats);
        Assert.Equal([OpCode.Fault, OpCode.Fork, OpCode.Exec, OpCode.Fault], events.Select(e => e.Op));
        Assert.Equal(200, events[0].Pid);
        Assert.Equal((200, 201), (events[1].Pid, events[1].OtherPid));
        Assert.Equal(201, events[2].Pid);
        Assert.Equal(201, events[3].Pid);
        Assert.Equal(4, stats.EventsEmitted);
    }

    [Fact]
    public void Record_tgid_column_attributes_threads_without_clone_events()
    {
        var events = Ops("""
             worker-301  (  300) [000] d....   1.0: page_fault_user: address=0x4000 ip=0x1 error_code=0x7
            """, out _);
        Assert.Equal((300, 301), (events[0].Pid, events[0].Tid));
    }

    [Fact]
    public void Brk_growth_and_shrink_become_mmap_and_munmap_of_the_heap_pages()
    {
        // Base 0x10000800 (from brk(0)); grow to 0x10003010: pages from PAGE_ALIGN(0x10000800) = 0x10001000 to
        // PAGE_ALIGN(0x10003010) = 0x10004000, i.e. 3 pages; shrink back to 0x10001000 unmaps those 3 pages.
        var events = Ops("""
             p-1 [000] .....   1.0: sys_brk(brk: 0)
             p-1 [000] .....   1.1: sys_brk -> 0x10000800
             p-1 [000] .....   1.2: sys_brk(brk: 0x10003010)
             p-1 [000] .....   1.3: sys_brk -> 0x10003010
             p-1 [000] .....   1.4: sys_brk(brk: 0x10001000)
             p-1 [000] .....   1.5: sys_brk -> 0x10001000
            """, out _);
        Assert.Equal([OpCode.Mmap, OpCode.Munmap], events.Select(e => e.Op));
        Assert.Equal((0x10001000UL, 0x3000UL, Prot.Read | Prot.Write), (events[0].Addr, events[0].Len, events[0].Prot));
        Assert.Equal((0x10001000UL, 0x3000UL), (events[1].Addr, events[1].Len));
    }

    [Fact]
    public void Flushes_keep_cpu_and_pages_and_task_switch_belongs_to_the_cpu()
    {
        var events = Ops("""
                   dotnet-10227   [000] d..2.   1.0: tlb_flush: pages:0 reason:flush on task switch (0)
                       wl-5       [001] d..2.   1.1: tlb_flush: pages:-1 reason:remote IPI send (4)
            """, out _);
        Assert.Equal((0, 0, 0, TlbFlushReason.TaskSwitch, 0L), (events[0].Cpu, events[0].Pid, events[0].Tid, events[0].TlbReason, events[0].Count));
        Assert.Equal((1, 5, 5, TlbFlushReason.RemoteSendIpi, -1L), (events[1].Cpu, events[1].Pid, events[1].Tid, events[1].TlbReason, events[1].Count));
    }

    [Fact]
    public void Bad_and_unknown_lines_are_reported_with_line_numbers_and_never_stop_the_read()
    {
        var text = """
            # tracer: nop
             wl-5 [000] d....   1.0: page_fault_user: address=0x4000 ip=0x1 error_co
             wl-5 [000] .....   1.1: sched_switch: prev_comm=wl prev_pid=5 ==> next_comm=x next_pid=6
             wl-5 [000] .....   1.2: sched_switch: prev_comm=wl prev_pid=5 ==> next_comm=x next_pid=6
            garbage
             wl-5 [000] d....   1.3: page_fault_user: address=0x5000 ip=0x1 error_code=0x4
             wl-5 [000] .....   1.4: ioctl_thing: x
             wl-5 [000] .....   1.5: sys_ioctl(fd: 3, cmd: 0xc018aa06, arg: 0x7ffe)
            CPU:1 [LOST 42 EVENTS]
            """;
        var (events, stats, _) = SharedTraces.ParseText(text, new FtraceReaderOptions { MaxMalformedKept = 1 });
        Assert.Equal(0x5000UL, Assert.Single(events).Addr);
        Assert.Equal(9, stats.LinesRead);
        Assert.Equal(2, stats.MalformedLines);
        // Only one kept (the cap), with file, line and reason.
        var kept = Assert.Single(stats.Malformed);
        Assert.Equal(("inline.txt", 2L), (kept.Source, kept.Line));
        Assert.StartsWith("inline.txt:2: page fault: bad or missing error_code:", kept.ToString());
        Assert.Equal(2, stats.UnknownByName["sched_switch"]);
        Assert.Equal(1, stats.UnknownByName["ioctl_thing"]);
        Assert.Equal(1, stats.IgnoredByName["ioctl UFFDIO_WRITEPROTECT"]);
        Assert.Equal(1, stats.LostEventLines);
        Assert.Contains("... and 1 more malformed lines", stats.Summary());
    }

    [Fact]
    public void Markers_keep_line_pid_and_text()
    {
        var (_, stats, markers) = SharedTraces.ParseText("""
            cpus=1
               wl-9 [000]   5.000001: print:                tracing_mark_write: GT op=fork_begin
            """);
        var marker = Assert.Single(markers);
        Assert.Equal(new FtraceMarker(2, 5_000_001_000, 0, 9, 9, "GT op=fork_begin"), marker);
        Assert.Equal(1, stats.MarkerLines);
    }

    [Fact]
    public void Lines_longer_than_the_read_buffer_and_crlf_endings_are_handled()
    {
        // A 3 MB marker spans several block fills; CRLF endings (a file copied through Windows) still parse.
        var big = new string('x', 3 << 20);
        var (events, stats, markers) = SharedTraces.ParseText(
            " wl-5 [000] ...1.   1.0: tracing_mark_write: " + big + "\r\n wl-5 [000] d....   1.1: page_fault_user: address=0x5000 ip=0x1 error_code=0x4\r\n");
        Assert.Equal(0, stats.MalformedLines);
        Assert.Equal(big.Length, markers[0].Text.Length);
        Assert.Equal(2L, Assert.Single(events).Line);
    }
}
