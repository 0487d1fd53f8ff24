using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Turns the record stream into trace events. State is per tid (syscall pairing), per task (which mm it uses) and per
/// mm (the program break). Address-space ops are emitted at the syscall exit, where the result is known: an mmap's
/// address is its return value and a failed syscall changes nothing. Recorded kernel events (tlb_flush) are
/// emitted where they occur, so the flushes of a munmap precede the munmap op in the stream.
/// </summary>
internal sealed class FtraceMapper
{
    private readonly FtraceStats _stats;
    private readonly List<FtraceMarker> _markers;
    private readonly int _maxMarkers;
    private readonly Dictionary<int, TaskState> _tasks = [];
    private readonly Dictionary<int, PendingSyscall> _pending = [];
    private readonly Dictionary<int, ulong> _brk = [];
    private int _lastTid = -1;
    private int _lastMm;

    public FtraceMapper(FtraceStats stats, List<FtraceMarker> markers, int maxMarkers)
    {
        _stats = stats;
        _markers = markers;
        _maxMarkers = maxMarkers;
    }

    /// <summary>Map one parsed event line; appends zero, one or (vfork child exec) two events to <paramref name="output"/>.</summary>
    public void Map(ref FtraceRecord r, long line, EventBatch output)
    {
        if (r.Tgid > 0 && !_tasks.ContainsKey(r.Tid))
        {
            // record-tgid tells us the thread group outright.
            SetTask(r.Tid, new TaskState(r.Tgid, r.Tgid == r.Tid ? TaskOrigin.Process : TaskOrigin.Thread));
        }

        switch (r.Kind)
        {
            case FtraceEventKind.PageFaultUser:
            case FtraceEventKind.PageFaultKernel:
                MapFault(ref r, line, output);
                break;
            case FtraceEventKind.MmapLock:
            case FtraceEventKind.Ipi:
                _stats.Ignored.Add(r.Name);
                break;
            case FtraceEventKind.TlbFlush:
                MapTlbFlush(ref r, line, output);
                break;
            case FtraceEventKind.SyscallEnter:
                Enter(ref r, line);
                break;
            case FtraceEventKind.SyscallExit:
                Exit(ref r, line, output);
                break;
            case FtraceEventKind.Marker:
                KeepMarker(ref r, line);
                break;
            case FtraceEventKind.SchedProcessFork:
                Fork(ref r, line, output);
                break;
            case FtraceEventKind.SchedProcessExit:
                ProcessExit(ref r, line, output);
                break;
            case FtraceEventKind.SchedProcessExec:
                Exec(ref r, line, output);
                break;
            case FtraceEventKind.Print:
                _stats.Drop(FtraceDropReasons.PrintNotMarker);
                break;
            default:
                _stats.Unknown.Add(r.Name);
                break;
        }
    }

    private int MmOf(int tid)
    {
        // Consecutive events mostly come from the same task: remember the last answer until the task map changes.
        if (tid == _lastTid)
        {
            return _lastMm;
        }

        _lastMm = _tasks.TryGetValue(tid, out var task) ? task.MmPid : tid;
        _lastTid = tid;
        return _lastMm;
    }

    private void SetTask(int tid, TaskState state)
    {
        _tasks[tid] = state;
        _lastTid = -1;
    }

    private void RemoveTask(int tid)
    {
        _tasks.Remove(tid);
        _lastTid = -1;
    }

    private ref TraceEvent Emit(ref FtraceRecord r, long line, EventBatch output, OpCode op, int pid)
    {
        _stats.CountEmitted(op);
        ref var e = ref output.Add();
        e.Op = op;
        e.Line = line;
        e.TimeNs = r.TimeNs;
        e.Cpu = r.Cpu;
        e.Pid = pid;
        e.Tid = r.Tid;
        return ref e;
    }

    private void MapFault(ref FtraceRecord r, long line, EventBatch output)
    {
        if (!r.AddressIsNumeric)
        {
            _stats.Drop(FtraceDropReasons.SymbolAddressFault);
            return;
        }

        if (r.Address >= LinuxAbi.KernelSpaceStart)
        {
            _stats.Drop(FtraceDropReasons.KernelAddressFault);
            return;
        }

        // Kernel-mode faults on user addresses (put_user, copy_to_user) change user page tables too: replay them.
        ref var e = ref Emit(ref r, line, output, OpCode.Fault, MmOf(r.Tid));
        e.Addr = r.Address;
        e.Len = LinuxAbi.PageSize;
        e.ErrorCode = r.ErrorCode;
        e.Access = (r.ErrorCode & 0x10) != 0 ? Access.Exec : (r.ErrorCode & 0x2) != 0 ? Access.Write : Access.Read;
    }

    private void MapTlbFlush(ref FtraceRecord r, long line, EventBatch output)
    {
        // A task-switch flush is logged under the task being switched away from (another process, <idle>-0):
        // it belongs to the CPU, not to that pid (parser notes). Pid and Tid 0 mean "the CPU".
        var taskSwitch = r.TlbReason == (int)TlbFlushReason.TaskSwitch;
        ref var e = ref Emit(ref r, line, output, OpCode.TlbFlush, taskSwitch ? 0 : MmOf(r.Tid));
        if (taskSwitch)
        {
            e.Tid = 0;
        }

        e.Count = r.TlbPages;
        e.TlbReason = (TlbFlushReason)r.TlbReason;
    }

    private void Enter(ref FtraceRecord r, long line)
    {
        switch (r.Syscall)
        {
            case SyscallKind.Mmap:
            case SyscallKind.Munmap:
            case SyscallKind.Mprotect:
            case SyscallKind.Madvise:
            case SyscallKind.Mremap:
            case SyscallKind.Brk:
            case SyscallKind.Clone:
            case SyscallKind.Clone3:
            case SyscallKind.Fork:
            case SyscallKind.Vfork:
                ref var pending = ref CollectionsMarshal.GetValueRefOrAddDefault(_pending, r.Tid, out var exists);
                if (exists && pending.Kind != SyscallKind.Other)
                {
                    _stats.Drop(FtraceDropReasons.EntryWithoutExit);
                }

                pending.Kind = r.Syscall;
                pending.Args = r.Args;
                pending.Line = line;
                pending.ForkSeen = false;
                _stats.SyscallEntries++;
                break;
            case SyscallKind.Ioctl:
                // The ioctl's argument is a user pointer (ranges, modes): not in the trace, so count by command.
                _stats.Ignored.Add(LinuxAbi.IoctlName(r.Args[1]));
                break;
            default:
                // exit/exit_group never return (sched_process_exit carries the op); io_uring and userfaultfd
                // set up state the trace does not show.
                _stats.Ignored.Add(r.Name);
                break;
        }
    }

    private void Exit(ref FtraceRecord r, long line, EventBatch output)
    {
        if (!IsPaired(r.Syscall))
        {
            _stats.Ignored.Add(r.Name);
            return;
        }

        ref var pending = ref CollectionsMarshal.GetValueRefOrNullRef(_pending, r.Tid);
        if (Unsafe.IsNullRef(ref pending) || pending.Kind != r.Syscall)
        {
            _stats.Drop(IsClone(r.Syscall) && r.Ret == 0 ? FtraceDropReasons.CloneInChild : FtraceDropReasons.ExitWithoutEntry);
            return;
        }

        var call = pending;
        pending.Kind = SyscallKind.Other;
        if (LinuxAbi.IsError(r.Ret))
        {
            _stats.Drop(FtraceDropReasons.FailedSyscall);
            return;
        }

        var mm = MmOf(r.Tid);
        switch (call.Kind)
        {
            case SyscallKind.Mmap:
                EmitMmap(ref r, line, output, mm, in call);
                break;
            case SyscallKind.Munmap:
                EmitRange(ref r, line, output, OpCode.Munmap, mm, call.Args[0], call.Args[1]);
                break;
            case SyscallKind.Mprotect:
                EmitRange(ref r, line, output, OpCode.Mprotect, mm, call.Args[0], call.Args[1]).Prot =
                    (Prot)(call.Args[2] & LinuxAbi.ProtMask);
                break;
            case SyscallKind.Madvise:
                if (LinuxAbi.TryMapAdvice(call.Args[2], out var advice))
                {
                    EmitRange(ref r, line, output, OpCode.Madvise, mm, call.Args[0], call.Args[1]).Advice = advice;
                }
                else
                {
                    _stats.Drop(FtraceDropReasons.AdviceNotModelled);
                }

                break;
            case SyscallKind.Mremap:
                ref var moved = ref EmitRange(ref r, line, output, OpCode.Mremap, mm, call.Args[0], call.Args[1]);
                moved.Value = unchecked((ulong)r.Ret);
                moved.PgOff = LinuxAbi.PageAlignUp(call.Args[2]);
                break;
            case SyscallKind.Brk:
                Brk(ref r, line, output, mm);
                break;
            default:
                CloneReturned(ref r, line, output, in call);
                break;
        }
    }

    private void EmitMmap(ref FtraceRecord r, long line, EventBatch output, int mm, in PendingSyscall call)
    {
        var len = LinuxAbi.PageAlignUp(call.Args[1]);
        var flags = call.Args[3];
        var anonymous = (flags & LinuxAbi.MapAnonymous) != 0;
        var shared = (flags & LinuxAbi.MapTypeMask) is LinuxAbi.MapShared or LinuxAbi.MapSharedValidate;
        ref var e = ref Emit(ref r, line, output, OpCode.Mmap, mm);
        e.Addr = unchecked((ulong)r.Ret);
        e.Len = len;
        e.Prot = (Prot)(call.Args[2] & LinuxAbi.ProtMask);
        e.Shared = shared;
        e.Backing = anonymous ? Backing.Anon : Backing.File;
        // Shared anonymous memory is shmem; a file's filesystem is not in the trace (ext4 is the format's default).
        e.Fs = anonymous && shared ? FileSystem.Shmem : FileSystem.Ext4;
        // ftrace shows the fd, not the file: the fd number stands in for the file id.
        e.FileId = anonymous ? 0 : unchecked((int)call.Args[4]);
        e.PgOff = anonymous ? 0 : call.Args[5] / LinuxAbi.PageSize;
        e.MmapFlags = ((flags & LinuxAbi.MapPopulate) != 0 ? MmapFlags.Populate : MmapFlags.None)
            | ((flags & LinuxAbi.MapHugeTlb) != 0 ? MmapFlags.HugePage : MmapFlags.None);
    }

    /// <summary>
    /// An op over [addr, addr+len) with the length rounded up to whole pages, as the kernel does (it rejects unaligned
    /// starts, so a successful call is aligned). A zero length is a successful no-op in the kernel; it is emitted
    /// anyway so the event count matches the syscalls, and the model treats it as empty.
    /// </summary>
    private ref TraceEvent EmitRange(ref FtraceRecord r, long line, EventBatch output, OpCode op, int mm, ulong addr, ulong len)
    {
        ref var e = ref Emit(ref r, line, output, op, mm);
        e.Addr = addr;
        e.Len = LinuxAbi.PageAlignUp(len);
        return ref e;
    }

    /// <summary>
    /// brk returns the new break (the old one on failure). Growth maps [PAGE_ALIGN(old), PAGE_ALIGN(new)) as private
    /// anonymous read-write memory, shrinking unmaps it: what do_brk_flags and the brk munmap do.
    /// </summary>
    private void Brk(ref FtraceRecord r, long line, EventBatch output, int mm)
    {
        var now = unchecked((ulong)r.Ret);
        if (!_brk.TryGetValue(mm, out var before))
        {
            _brk[mm] = now;
            _stats.Drop(FtraceDropReasons.BrkBaseUnknown);
            return;
        }

        _brk[mm] = now;
        var low = LinuxAbi.PageAlignUp(Math.Min(before, now));
        var high = LinuxAbi.PageAlignUp(Math.Max(before, now));
        if (low == high)
        {
            _stats.Drop(FtraceDropReasons.BrkSamePage);
            return;
        }

        ref var e = ref Emit(ref r, line, output, now > before ? OpCode.Mmap : OpCode.Munmap, mm);
        e.Addr = low;
        e.Len = high - low;
        e.Prot = now > before ? Prot.Read | Prot.Write : Prot.None;
    }

    private void Fork(ref FtraceRecord r, long line, EventBatch output)
    {
        ref var pending = ref CollectionsMarshal.GetValueRefOrNullRef(_pending, r.Tid);
        var flags = 0UL;
        if (!Unsafe.IsNullRef(ref pending) && IsClone(pending.Kind))
        {
            pending.ForkSeen = true;
            flags = CloneFlags(in pending);
        }

        Spawn(ref r, line, output, r.OtherPid, flags);
    }

    /// <summary>A clone exit whose sched_process_fork was not traced still reports the child (its return value).</summary>
    private void CloneReturned(ref FtraceRecord r, long line, EventBatch output, in PendingSyscall call)
    {
        if (call.ForkSeen)
        {
            _stats.Drop(FtraceDropReasons.ForkAlreadySeen);
            return;
        }

        if (r.Ret <= 0)
        {
            _stats.Drop(FtraceDropReasons.CloneInChild);
            return;
        }

        Spawn(ref r, line, output, (int)r.Ret, CloneFlags(in call));
    }

    private void Spawn(ref FtraceRecord r, long line, EventBatch output, int child, ulong flags)
    {
        var parentMm = MmOf(r.Tid);
        if ((flags & LinuxAbi.CloneThread) != 0)
        {
            SetTask(child, new TaskState(parentMm, TaskOrigin.Thread));
            _stats.Drop(FtraceDropReasons.ThreadCreated);
            return;
        }

        if ((flags & LinuxAbi.CloneVm) != 0)
        {
            SetTask(child, new TaskState(parentMm, TaskOrigin.BorrowedMm));
            _stats.Drop(FtraceDropReasons.BorrowedMmCreated);
            return;
        }

        SetTask(child, new TaskState(child, TaskOrigin.Process));
        if (_brk.TryGetValue(parentMm, out var brk))
        {
            _brk[child] = brk;
        }

        ref var e = ref Emit(ref r, line, output, OpCode.Fork, parentMm);
        e.OtherPid = child;
    }

    /// <summary>clone's first argument is its flags; fork has none; vfork is CLONE_VM|CLONE_VFORK. clone3 passes a
    /// struct the trace does not show: taken as a new process (a pthread via clone3 needs the record-tgid option).</summary>
    private static ulong CloneFlags(in PendingSyscall call) => call.Kind switch
    {
        SyscallKind.Clone => call.Args[0],
        SyscallKind.Vfork => LinuxAbi.CloneVm,
        _ => 0,
    };

    private void ProcessExit(ref FtraceRecord r, long line, EventBatch output)
    {
        var tid = r.EventPid;
        var task = _tasks.TryGetValue(tid, out var known) ? known : new TaskState(tid, TaskOrigin.Process);
        RemoveTask(tid);
        _pending.Remove(tid);
        if (task.Origin == TaskOrigin.BorrowedMm)
        {
            _stats.Drop(FtraceDropReasons.BorrowedMmExit);
            return;
        }

        // group_dead (6.x) says the whole thread group is gone; older kernels: the leader's exit stands for it.
        var groupDead = r.GroupDead >= 0 ? r.GroupDead == 1 : tid == task.MmPid;
        if (!groupDead)
        {
            _stats.Drop(FtraceDropReasons.ThreadExit);
            return;
        }

        _brk.Remove(task.MmPid);
        Emit(ref r, line, output, OpCode.Exit, task.MmPid);
    }

    private void Exec(ref FtraceRecord r, long line, EventBatch output)
    {
        var pid = r.EventPid;
        var oldTid = r.OtherPid;
        if (_tasks.TryGetValue(oldTid, out var task) && task.Origin == TaskOrigin.BorrowedMm)
        {
            // A vfork child gets its own mm only now: give the model the fork it skipped, then the exec.
            Emit(ref r, line, output, OpCode.Fork, task.MmPid).OtherPid = pid;
        }

        RemoveTask(oldTid);
        SetTask(pid, new TaskState(pid, TaskOrigin.Process));
        _brk.Remove(pid);
        Emit(ref r, line, output, OpCode.Exec, pid);
    }

    private void KeepMarker(ref FtraceRecord r, long line)
    {
        _stats.MarkerLines++;
        if (_markers.Count < _maxMarkers)
        {
            _markers.Add(new FtraceMarker(line, r.TimeNs, r.Cpu, MmOf(r.Tid), r.Tid, Encoding.UTF8.GetString(r.Text)));
        }
    }

    private static bool IsClone(SyscallKind kind) => kind is SyscallKind.Clone or SyscallKind.Clone3 or SyscallKind.Fork or SyscallKind.Vfork;

    private static bool IsPaired(SyscallKind kind) => kind is >= SyscallKind.Mmap and <= SyscallKind.Vfork;
}
