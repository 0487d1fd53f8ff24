using System.Text;
using MmReplay.Ingest.Ftrace;

namespace MmReplay.Ingest.Tests.Ftrace;

/// <summary>One test per line shape of the parser notes (../shared/traces/real/README.md), both tools, both kernels.</summary>
public sealed class FtraceLineParserTests
{
    /// <summary>Parses <paramref name="line"/> and hands the record to <paramref name="check"/> (a ref struct cannot be returned).</summary>
    private static void Parse(string line, FtraceLineKind expected, RecordCheck check, string? reasonContains = null)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var record = default(FtraceRecord);
        var kind = FtraceTextReader.ParseLine(bytes, ref record, out var reason);
        Assert.True(expected == kind, $"expected {expected}, got {kind} ({reason}) for: {line}");
        if (reasonContains is not null)
        {
            Assert.Contains(reasonContains, reason);
        }

        check(ref record);
    }

    private delegate void RecordCheck(ref FtraceRecord record);

    private static string Str(ReadOnlySpan<byte> s) => Encoding.UTF8.GetString(s);

    [Theory]
    // 6.18 tracefs: capitalised strings; 6.1 tracefs: lower case; trace-cmd: '=' and padded names; reason 4 without text.
    [InlineData(" wl_a_anon_seq_r-11270   [000] d..3.   639.085086: tlb_flush: pages:1 reason:local MM shootdown (3)", 1, 3, 639_085_086_000UL)]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d..3.   639.085086: tlb_flush: pages:1 reason:local mm shootdown (3)", 1, 3, 639_085_086_000UL)]
    [InlineData(" wl_d_unmap_remo-11464   [001] d.h..   640.203742: tlb_flush: pages:32 reason:remote shootdown (1)", 32, 1, 640_203_742_000UL)]
    [InlineData(" wl_d_unmap_remo-11463   [000] ...1.   640.203730: tlb_flush: pages:32 reason:remote IPI send (4)", 32, 4, 640_203_730_000UL)]
    [InlineData("   wl_c_fork_cow-12427 [000]   697.024374: tlb_flush:            pages=-1 reason=flush on task switch (0)", -1, 0, 697_024_374_000UL)]
    [InlineData("   wl_c_fork_cow-12428 [001]   697.025150: tlb_flush:            pages=1 reason= (4)", 1, 4, 697_025_150_000UL)]
    [InlineData("   wl_c_fork_cow-12428 [001]   697.025150: tlb_flush:            pages=0 reason=remote wrong CPU (5)", 0, 5, 697_025_150_000UL)]
    // No numeric code (hypothetical older rendering): the text decides, any case.
    [InlineData("   task-1 [000] d..1   1.5: tlb_flush: pages:-1 reason:Remote IPI Send", -1, 4, 1_500_000_000UL)]
    // 4-character flags column of older kernels, nanosecond timestamps of trace-cmd -t.
    [InlineData("   task-1 [000] d..1   12.000000123: tlb_flush: pages:2 reason:local shootdown (2)", 2, 2, 12_000_000_123UL)]
    public void TlbFlush_reason_comes_from_the_code_whatever_the_text(string line, long pages, int reason, ulong timeNs)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(FtraceEventKind.TlbFlush, r.Kind);
            Assert.Equal(pages, r.TlbPages);
            Assert.Equal(reason, r.TlbReason);
            Assert.Equal(timeNs, r.TimeNs);
        });
    }

    [Theory]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d..3.   1.0: tlb_flush: pages:1 reason:local MM shootdown (3)", "wl_a_anon_seq_r", 11270, 0)]
    [InlineData("  .NET TP Worker-12000   [001] d..2.   1.0: tlb_flush: pages:-1 reason:flush on task switch (0)", ".NET TP Worker", 12000, 1)]
    [InlineData("           <...>-12010   [001] d..2.   1.0: tlb_flush: pages:0 reason:flush on task switch (0)", "<...>", 12010, 1)]
    [InlineData("          <idle>-0       [001] d..2.   1.0: tlb_flush: pages:0 reason:flush on task switch (0)", "<idle>", 0, 1)]
    [InlineData("     migration/0-18      [000] d..2.   1.0: tlb_flush: pages:0 reason:flush on task switch (0)", "migration/0", 18, 0)]
    [InlineData(" kworker/u4:2-ev-unb-123 [003] d..2.   1.0: tlb_flush: pages:0 reason:flush on task switch (0)", "kworker/u4:2-ev-unb", 123, 3)]
    [InlineData("  a [b] c-77 [002] d..2.   1.0: tlb_flush: pages:0 reason:flush on task switch (0)", "a [b] c", 77, 2)]
    [InlineData("  .NET TP Worker-12000 [001]   1.0: tlb_flush:            pages=-1 reason=flush on task switch (0)", ".NET TP Worker", 12000, 1)]
    public void Task_names_split_on_the_last_dash_before_the_cpu_column(string line, string comm, int tid, int cpu)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(comm, Str(r.Comm));
            Assert.Equal(tid, r.Tid);
            Assert.Equal(cpu, r.Cpu);
            Assert.Equal(-1, r.Tgid);
        });
    }

    [Theory]
    [InlineData("            bash-1977  ( 1977) [000] .... 17284.993652: tlb_flush: pages:1 reason:local mm shootdown (3)", 1977, 1977)]
    [InlineData("          worker-2001  ( 1977) [000] .... 17284.993652: tlb_flush: pages:1 reason:local mm shootdown (3)", 2001, 1977)]
    [InlineData("          <idle>-0     (-------) [000] d... 17284.993652: tlb_flush: pages:0 reason:flush on task switch (0)", 0, -1)]
    public void Record_tgid_column_is_read(string line, int tid, int tgid)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(tid, r.Tid);
            Assert.Equal(tgid, r.Tgid);
        });
    }

    [Theory]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.085174: page_fault_user: address=0x7ff99d58be06 ip=0x7ff99d5737ad error_code=0x6", FtraceEventKind.PageFaultUser, 0x7ff99d58be06UL, 6u, true)]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.085110: page_fault_kernel: address=0x55714c9b40d4 ip=rep_stos_alternative error_code=0x2", FtraceEventKind.PageFaultKernel, 0x55714c9b40d4UL, 2u, true)]
    [InlineData("   wl_c_fork_cow-12427 [000]   697.024491: page_fault_user:      address=0x7fe0a74bfb70 ip=0x7fe0a74bfb70 error_code=0x14", FtraceEventKind.PageFaultUser, 0x7fe0a74bfb70UL, 0x14u, true)]
    [InlineData("   kworker-55 [000] d....   1.0: page_fault_kernel: address=vmalloc_area+0x10/0x40 ip=memcpy+0x5/0x20 error_code=0x0", FtraceEventKind.PageFaultKernel, 0UL, 0u, false)]
    // Hex without prefix and in capitals (older kernels), and the widest address (16 digits).
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=7FFF0000 ip=0x1 error_code=6", FtraceEventKind.PageFaultUser, 0x7FFF0000UL, 6u, true)]
    [InlineData("   t-1 [000] d....   1.0: page_fault_kernel: address=0xffffffffffffffff ip=0x1 error_code=0x0", FtraceEventKind.PageFaultKernel, ulong.MaxValue, 0u, true)]
    // The usual shape is read by a vector of 16 bytes and the code backwards from the end: capitals, one digit, eight
    // digits, the widest code (8 digits, uint.MaxValue), and nine digits with a leading zero (the general path).
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x7FFDEADBEEF0 ip=0x7ff9 error_code=0x1F", FtraceEventKind.PageFaultUser, 0x7FFDEADBEEF0UL, 0x1Fu, true)]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x5 ip=0x7ff99d5737ad error_code=0x7", FtraceEventKind.PageFaultUser, 5UL, 7u, true)]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x89abcdef ip=0x1 error_code=0xffffffff", FtraceEventKind.PageFaultUser, 0x89abcdefUL, uint.MaxValue, true)]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x123456789abcdef0 ip=0x1 error_code=0x0fffffffe", FtraceEventKind.PageFaultUser, 0x123456789abcdef0UL, 0xfffffffeu, true)]
    // The address's 16th byte is a space (15 digits) or the 17th is (16 digits).
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x123456789abcdef ip=0x1 error_code=0x4", FtraceEventKind.PageFaultUser, 0x123456789abcdefUL, 4u, true)]
    public void Page_faults_keep_address_and_error_code(string line, FtraceEventKind kind, ulong address, uint errorCode, bool numeric)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(kind, r.Kind);
            Assert.Equal(address, r.Address);
            Assert.Equal(errorCode, r.ErrorCode);
            Assert.Equal(numeric, r.AddressIsNumeric);
        });
    }

    [Fact]
    public void Sched_events_read_pids_even_when_names_hold_spaces()
    {
        Parse("   wl_c_fork_cow-11398   [000] .....   639.841405: sched_process_fork: comm=wl_c_fork_cow pid=11398 child_comm=wl_c_fork_cow child_pid=11399",
            FtraceLineKind.Event, (ref r) =>
            {
                Assert.Equal(FtraceEventKind.SchedProcessFork, r.Kind);
                Assert.Equal(11398, r.EventPid);
                Assert.Equal(11399, r.OtherPid);
            });
        Parse("  .NET TP Worker-12000 [001]   1.0: sched_process_fork:   comm=.NET TP Worker pid=12000 child_comm=.NET TP Worker child_pid=12001",
            FtraceLineKind.Event, (ref r) =>
            {
                Assert.Equal(12000, r.EventPid);
                Assert.Equal(12001, r.OtherPid);
            });
        Parse("   wl_c_fork_cow-12428 [001]   697.025537: sched_process_exit:   comm=wl_c_fork_cow pid=12428 prio=120 group_dead=true",
            FtraceLineKind.Event, (ref r) =>
            {
                Assert.Equal(FtraceEventKind.SchedProcessExit, r.Kind);
                Assert.Equal(12428, r.EventPid);
                Assert.Equal(1, r.GroupDead);
            });
        // Kernels before group_dead was added print three fields.
        Parse("   a b-5 [000] ....   1.0: sched_process_exit: comm=a b pid=5 prio=120", FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(5, r.EventPid);
            Assert.Equal(-1, r.GroupDead);
        });
        Parse(" wl_a_anon_seq_r-11270   [000] .....   639.085167: sched_process_exec: filename=bin/wl a pid=11270 old_pid=11271",
            FtraceLineKind.Event, (ref r) =>
            {
                Assert.Equal(FtraceEventKind.SchedProcessExec, r.Kind);
                Assert.Equal(11270, r.EventPid);
                Assert.Equal(11271, r.OtherPid);
            });
    }

    [Theory]
    // 6.18 tracefs: values below 10 in decimal, others 0x-hex.
    [InlineData(" wl-1 [000] .....   1.0: sys_mmap(addr: 0, len: 0x100000, prot: 3, flags: 0x22, fd: 0xffffffff, off: 0)")]
    // Before 6.17 tracefs printed %lx: hex without prefix.
    [InlineData(" wl-1 [000] .....   1.0: sys_mmap(addr: 0, len: 100000, prot: 3, flags: 22, fd: ffffffff, off: 0)")]
    // trace-cmd report: 0x%08lx.
    [InlineData("   wl-1 [000]   1.0: sys_enter_mmap:       addr: 0x00000000, len: 0x00100000, prot: 0x00000003, flags: 0x00000022, fd: 0xffffffff, off: 0x00000000")]
    public void Syscall_entries_of_both_tools_and_kernels_give_the_same_arguments(string line)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(FtraceEventKind.SyscallEnter, r.Kind);
            Assert.Equal(SyscallKind.Mmap, r.Syscall);
            Assert.Equal(6, r.ArgCount);
            Assert.Equal(0UL, r.Args[0]);
            Assert.Equal(0x100000UL, r.Args[1]);
            Assert.Equal(3UL, r.Args[2]);
            Assert.Equal(0x22UL, r.Args[3]);
            Assert.Equal(0xffffffffUL, r.Args[4]);
        });
    }

    [Theory]
    [InlineData(" wl-1 [000] .....   1.0: sys_mmap -> 0x7ff99d21f000", SyscallKind.Mmap, 0x7ff99d21f000L)]
    [InlineData("   wl-1 [000]   1.0: sys_exit_mmap:        0x7fe0a749b000", SyscallKind.Mmap, 0x7fe0a749b000L)]
    [InlineData(" wl-1 [000] .....   1.0: sys_munmap -> 0xffffffffffffffea", SyscallKind.Munmap, -22L)]
    [InlineData("   wl-1 [000]   1.0: sys_exit_munmap:      0xfffffffffffffff4", SyscallKind.Munmap, -12L)]
    [InlineData(" wl-1 [000] .....   1.0: sys_madvise -> -22", SyscallKind.Madvise, -22L)]
    [InlineData(" wl-1 [000] .....   1.0: sys_clone -> 0x308c", SyscallKind.Clone, 0x308cL)]
    public void Syscall_exits_read_the_return_as_signed(string line, SyscallKind syscall, long ret)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(FtraceEventKind.SyscallExit, r.Kind);
            Assert.Equal(syscall, r.Syscall);
            Assert.Equal(ret, r.Ret);
        });
    }

    [Theory]
    [InlineData(" wl_a_anon_seq_r-11270   [000] ...1.   639.085652: tracing_mark_write: GT op=mmap name=A addr=0x7ff99d25f000")]
    [InlineData("   wl_c_fork_cow-12427 [000]   697.024829: print:                tracing_mark_write: GT op=mmap name=A addr=0x7ff99d25f000")]
    public void Markers_of_both_tools_give_the_same_text(string line)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(FtraceEventKind.Marker, r.Kind);
            Assert.Equal("GT op=mmap name=A addr=0x7ff99d25f000", Str(r.Text));
        });
    }

    [Theory]
    [InlineData(" wl-1 [000] .....   1.0: mmap_lock_start_locking: mm=0000000098fde34b memcg_id=5891 write=true", FtraceEventKind.MmapLock)]
    [InlineData(" wl-1 [000] .....   1.0: mmap_lock_released: mm=00000000edc2bae9 memcg_path=/ write=false", FtraceEventKind.MmapLock)]
    [InlineData("   wl-1 [000]   1.0: mmap_lock_released:   mm=0xffff888102a38c80 memcg_id=5891 write=true", FtraceEventKind.MmapLock)]
    [InlineData("   wl-1 [000]   1.0: ipi_send_cpu:         cpu=1 callsite=wakeup_preempt+0x92 callback=0x0", FtraceEventKind.Ipi)]
    [InlineData(" wl-1 [000] .....   1.0: sched_switch: prev_comm=a prev_pid=1 ==> next_comm=b next_pid=2", FtraceEventKind.Unknown)]
    [InlineData(" wl-1 [000] .....   1.0: sys_openat(dfd: 0xffffff9c, filename: 0x7ffc \"/etc/ld.so.cache\", flags: 0x80000, mode: 0)", FtraceEventKind.SyscallEnter)]
    [InlineData("   wl-1 [000]   1.0: print:                trace_printk_site: hello", FtraceEventKind.Print)]
    public void Events_without_ops_are_classified(string line, FtraceEventKind kind)
    {
        Parse(line, FtraceLineKind.Event, (ref r) => Assert.Equal(kind, r.Kind));
    }

    /// <summary>
    /// The name is the run of <c>[0-9A-Za-z_]</c> after the timestamp, judged 32 bytes at a time: capitals and digits
    /// belong to it, a name of 32 bytes or more is read past the first vector, and the byte ending it may be anything.
    /// </summary>
    [Theory]
    [InlineData(" wl-1 [000] .....   1.0: Xfs_Event_2: a=1", "Xfs_Event_2")]
    [InlineData(" wl-1 [000] .....   1.0: a_very_long_event_name_of_39_bytes_xyz9: a=1", "a_very_long_event_name_of_39_bytes_xyz9")]
    [InlineData(" wl-1 [000] .....   1.0: name_of_exactly_thirty_two_bytes: a=1", "name_of_exactly_thirty_two_bytes")]
    [InlineData(" wl-1 [000] .....   1.0: sys_openat(dfd: 0xffffff9c)", "sys_openat")]
    [InlineData(" wl-1 [000] .....   1.0: x:", "x")]
    public void Event_names_are_read_whole(string line, string name)
    {
        Parse(line, FtraceLineKind.Event, (ref r) => Assert.Equal(name, Str(r.Name)));
    }

    [Theory]
    [InlineData("# tracer: nop", FtraceLineKind.Header)]
    [InlineData("#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION", FtraceLineKind.Header)]
    [InlineData("", FtraceLineKind.Header)]
    [InlineData("cpus=2", FtraceLineKind.Header)]
    [InlineData("version = 7", FtraceLineKind.Header)]
    [InlineData("CPU 0 is empty", FtraceLineKind.Header)]
    [InlineData("##### CPU 1 buffer started ####", FtraceLineKind.Header)]
    [InlineData("CPU:1 [LOST 42 EVENTS]", FtraceLineKind.LostEvents)]
    public void Headers_and_lost_event_notes_are_not_events(string line, FtraceLineKind kind)
    {
        Parse(line, kind, (ref _) => { });
    }

    [Theory]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d..3.   639.085086: tlb_flush: pages:1 reas", "tlb_flush")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d..3.   639.085086: tlb_flush: pag", "tlb_flush")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d..3.   639.085086: tlb_flush: pages:x1 reason:local (3)", "pages")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.085174: page_fault_user: address=0x7ff99d58be06 ip=0x7ff99d5737ad error_co", "error_code")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.085174: page_fault_user: address=0x7ff99d58be06 ip=0x7ff99d5737ad error_code=0xZZ", "error_code")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.085174: page_fault_user: address=0x7ff9Q9d58be06 ip=0x1 error_code=0x6", "address")]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x ip=0x1 error_code=0x6", "address")]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x1ffffffffffffffff ip=0x1 error_code=0x6", "address")]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address= ip=0x1 error_code=0x6", "address")]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x1000 ip=0x1 error_code=0x100000000", "error_code")]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x1000 ip=0x1 error_code=0x", "error_code")]
    [InlineData("   t-1 [000] d....   1.0: page_fault_user: address=0x1000000000000000f ip=0x1 error_code=0x6", "address")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.08", "timestamp")]
    [InlineData(" wl_a_anon_seq_r-11270   [000] d....   639.085174:", "event name")]
    [InlineData(" wl_a_anon_seq_r-11270   [0", "prefix")]
    [InlineData("@@#%garbage without structure", "prefix")]
    [InlineData("e=0x6", "prefix")]
    [InlineData(" wl-1 [000] .....   1.0: sys_mmap(addr: 0, len: 0x10", "parenthesis")]
    [InlineData("   wl-1 [000]   1.0: sys_enter_mmap:       addr: 0x00000000, len: 0x00100000", "too few")]
    [InlineData("   wl-1 [000]   1.0: sys_exit_mmap:        0x7fe0a7zz", "return")]
    [InlineData(" wl-1 [000] .....   1.0: sched_process_fork: comm=a pid=1 child_comm=a child_pi", "child_pid")]
    [InlineData(" wl-1 [000] .....   1.0: tlb_flush pages:1 reason:local MM shootdown (3)", "':'")]
    public void Cut_and_garbled_lines_are_malformed_with_a_reason(string line, string reasonContains)
    {
        Parse(line, FtraceLineKind.Malformed, (ref _) => { }, reasonContains);
    }

    /// <summary>
    /// The digit runs at their limits: tid and cpu up to int.MaxValue (ten digits, leading zeros allowed), seconds up
    /// to 18 digits, the fraction 1 to 9 digits scaled to ns; one past a limit makes the line malformed.
    /// </summary>
    [Theory]
    [InlineData(" t-2147483647 [0000000002] ....   1.5: mmap_lock_released: mm=1", 2147483647, 2, 1_500_000_000UL)]
    [InlineData(" t-0000000000012 [001] ....   123456789.000000001: mmap_lock_released: mm=1", 12, 1, 123_456_789_000_000_001UL)]
    [InlineData(" t-7 [001] ....   999999999999999999: mmap_lock_released: mm=1", 7, 1, 999_999_999_999_999_999UL)]
    [InlineData(" t-7 [001] ....   4.12345678: mmap_lock_released: mm=1", 7, 1, 4_123_456_780UL)]
    // Read 8 bytes at a time when seconds and fraction have 1 to 7 digits each; 8 seconds digits take the byte loop.
    [InlineData(" t-7 [001] ....   1234567.1234567: mmap_lock_released: mm=1", 7, 1, 1_234_567_123_456_700UL)]
    [InlineData(" t-7 [001] ....   0.000001: mmap_lock_released: mm=1", 7, 1, 1_000UL)]
    [InlineData(" t-7 [001] ....   9.9: mmap_lock_released: mm=1", 7, 1, 9_900_000_000UL)]
    [InlineData(" t-7 [001] ....   12345678.123456: mmap_lock_released: mm=1", 7, 1, 12_345_678_123_456_000UL)]
    public void Numbers_at_their_limits_are_read(string line, int tid, int cpu, ulong timeNs)
    {
        Parse(line, FtraceLineKind.Event, (ref r) =>
        {
            Assert.Equal(tid, r.Tid);
            Assert.Equal(cpu, r.Cpu);
            Assert.Equal(timeNs, r.TimeNs);
        });
    }

    [Theory]
    [InlineData(" t-2147483648 [000] ....   1.5: mmap_lock_released: mm=1", "prefix")]
    [InlineData(" t-7 [2147483648] ....   1.5: mmap_lock_released: mm=1", "prefix")]
    [InlineData(" t-7 [000] ....   1000000000000000000.5: mmap_lock_released: mm=1", "timestamp")]
    [InlineData(" t-7 [000] ....   1.1234567891: mmap_lock_released: mm=1", "timestamp")]
    [InlineData(" t-7 [000] ....   1.: mmap_lock_released: mm=1", "timestamp")]
    [InlineData(" t-7 [000] ....   1.5:mmap_lock_released: mm=1", "timestamp")]
    [InlineData(" t-7 [000] ....   1.5x: mmap_lock_released: mm=1", "timestamp")]
    public void Numbers_past_their_limits_are_malformed(string line, string reasonContains)
    {
        Parse(line, FtraceLineKind.Malformed, (ref _) => { }, reasonContains);
    }

    [Fact]
    public void Detect_tells_the_tools_apart_and_rejects_csv()
    {
        static FtraceFlavor Detect(string text) => FtraceTextReader.Detect(Encoding.UTF8.GetBytes(text));

        Assert.Equal(FtraceFlavor.Tracefs, Detect("# tracer: nop\n#\n wl-1 [000] ....."));
        // trace_pipe has no header: the flags column tells.
        Assert.Equal(FtraceFlavor.Tracefs, Detect(" wl-1 [000] d..3.   1.0: tlb_flush: pages:1 reason:local MM shootdown (3)\n"));
        Assert.Equal(FtraceFlavor.TraceCmdReport, Detect("cpus=2\n   wl-1 [000]   1.0: tlb_flush:   pages=1 reason= (4)\n"));
        Assert.Equal(FtraceFlavor.TraceCmdReport, Detect("   wl-1 [000]   1.0: tlb_flush:   pages=1 reason= (4)\n"));
        Assert.Equal(FtraceFlavor.Unknown, Detect("# mmreplay-trace v1\ntime_ns,cpu,pid,tid,op,addr,len,args\n0,0,100,100,mmap,0x10000000,16384,prot=rw\n"));
        Assert.True(FtraceTextReader.Sniff("cpus=2\n"u8));
        Assert.False(FtraceTextReader.Sniff("time_ns,cpu,pid\n"u8));
    }
}
