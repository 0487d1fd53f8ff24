namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// One ftrace event line, split and typed by <see cref="FtraceTextReader.TryParseLine"/>. Spans point into the
/// caller's line buffer, so a record lives only as long as that line: nothing is allocated per line.
/// Which typed fields are set depends on <see cref="Kind"/>; the others stay zero.
/// </summary>
public ref struct FtraceRecord
{
    /// <summary>Task name as printed (may contain spaces; <c>&lt;...&gt;</c> when the comm cache missed).</summary>
    public ReadOnlySpan<byte> Comm;
    /// <summary>The pid column: the kernel's task id (a thread id).</summary>
    public int Tid;
    /// <summary>The tgid column of the <c>record-tgid</c> option, or -1 when the line has none.</summary>
    public int Tgid;
    public int Cpu;
    /// <summary>Timestamp in ns (seconds.fraction scaled); a raw counter when the clock prints integers.</summary>
    public ulong TimeNs;
    public FtraceEventKind Kind;
    /// <summary>Event name as printed (<c>sys_mmap</c> for a tracefs syscall, <c>sys_enter_mmap</c> for trace-cmd).</summary>
    public ReadOnlySpan<byte> Name;
    /// <summary>Everything after the event name and its separator, leading padding removed.</summary>
    public ReadOnlySpan<byte> Body;

    // page_fault_user / page_fault_kernel
    public ulong Address;
    /// <summary>False when the address printed as a symbol (<c>%ps</c> of a kernel address).</summary>
    public bool AddressIsNumeric;
    public uint ErrorCode;

    // tlb_flush
    public long TlbPages;
    public int TlbReason;

    // syscalls
    public SyscallKind Syscall;
    public SyscallArgs Args;
    public int ArgCount;
    public long Ret;

    // sched_process_*: pid= (the task), child_pid= / old_pid=, group_dead=
    public int EventPid;
    public int OtherPid;
    /// <summary>sched_process_exit group_dead: 1 true, 0 false, -1 not printed (older kernels).</summary>
    public int GroupDead;

    /// <summary>Marker text (trace_marker payload).</summary>
    public ReadOnlySpan<byte> Text;
}
