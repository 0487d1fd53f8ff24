using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>
/// Translates a trace into an <see cref="OpList"/> for the guest runtime. Ops with no user-space equivalent
/// (device TLBs, recorded kernel events, kernel-initiated MM events, ext4 files) become <see cref="SkippedOp"/>s.
/// </summary>
/// <remarks>
/// Why an interpreter rather than generated C: one static binary serves every trace of a boot (compiled once,
/// cached), an op list is data (no code generation, no quoting, nothing a trace can inject), and the
/// translation is checked by comparing text.
/// </remarks>
public static class OpListTranslator
{
    public const ulong PageSize = 4096;

    // Flags of the guest's mmap op (second argument), as in mmoracle.c.
    internal const ulong MapShared = 1;
    internal const ulong MapFile = 2;
    internal const ulong MapPopulate = 4;
    internal const ulong MapHugePage = 8;

    public static OpList Translate(IReadOnlyList<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var processes = new List<GuestProcess>();
        var known = new HashSet<int>();
        var exited = new HashSet<int>();
        var fileSizes = new SortedDictionary<int, ulong>();
        var ops = new List<GuestOp>(events.Count);
        var skipped = new List<SkippedOp>();
        var missing = new SkippedRanges();

        foreach (TraceEvent e in events)
        {
            if (known.Add(e.Pid))
                processes.Add(new GuestProcess(e.Pid, Initial: true));
            if (exited.Contains(e.Pid))
                throw new OracleTranslationException(e.Line, $"pid {e.Pid} runs an op after its exit");
            string? reason = SkipReason(e) ?? missing.Reason(e);
            if (reason is not null)
            {
                skipped.Add(new SkippedOp(e.Line, e.Pid, e.Op, reason));
                missing.Skipped(e);
                continue;
            }
            missing.Ran(e);
            if (e.Op == OpCode.Fork)
            {
                if (!known.Add(e.OtherPid))
                    throw new OracleTranslationException(e.Line, $"fork creates pid {e.OtherPid}, which already exists");
                processes.Add(new GuestProcess(e.OtherPid, Initial: false));
            }
            if (e.Op == OpCode.Mmap && e.Backing == Backing.File)
            {
                ulong end = e.PgOff * PageSize + e.Len;
                fileSizes[e.FileId] = Math.Max(end, fileSizes.GetValueOrDefault(e.FileId));
            }
            if (e.Op == OpCode.Exit)
                exited.Add(e.Pid);
            ops.Add(Translate(e));
        }

        var files = new List<GuestFile>(fileSizes.Count);
        foreach (KeyValuePair<int, ulong> file in fileSizes)
            files.Add(new GuestFile(file.Key, file.Value));
        if (ops.Count > 0 && processes[0].Pid != ops[0].Pid)
            throw new OracleTranslationException(ops[0].Line, "the first executable op must belong to the first process");
        return new OpList(processes, files, ops, skipped);
    }

    /// <summary>Null when the op is executable; otherwise why it is not.</summary>
    public static string? SkipReason(in TraceEvent e) => e.Op switch
    {
        OpCode.Mmap when e.Backing == Backing.Device => "device mappings need a driver",
        OpCode.Mmap when e.Backing == Backing.File && e.Fs == FileSystem.Ext4 => "ext4 file mappings need a disk filesystem; the guest has shmem only",
        OpCode.Mmap when (e.MmapFlags & (MmapFlags.Io | MmapFlags.PfnMap)) != 0 => "VM_IO/VM_PFNMAP mappings need a driver",
        OpCode.Madvise when LinuxAdvice(e.Advice) == 0 => "no madvise advice given",
        OpCode.Madvise when e.Advice == Advice.PageOut => "the guest has no swap device, so MADV_PAGEOUT cannot reclaim",
        OpCode.Fault => "a recorded fault has no user-space equivalent without an access",
        OpCode.Exec => "exec would replace the guest runtime",
        OpCode.UffdWp when !e.Async => "synchronous uffd-wp needs a fault-handling thread; only async=1 runs",
        OpCode.Pin when (e.PinFlags & (PinFlags.Write | PinFlags.LongTerm)) != (PinFlags.Write | PinFlags.LongTerm)
                        || (e.PinFlags & (PinFlags.Force | PinFlags.HonorNuma)) != 0
            => "io_uring fixed buffers pin with FOLL_WRITE|FOLL_LONGTERM only",
        OpCode.WpRange or OpCode.CleanRange or OpCode.Writeback => "mapping_dirty_helpers are kernel-internal",
        OpCode.DevAttach or OpCode.DevDetach or OpCode.DevRead or OpCode.DevWrite => "device TLBs have no user-space equivalent",
        OpCode.NumaHint or OpCode.Migrate or OpCode.KsmMerge or OpCode.SwapOut => "a kernel-initiated MM event cannot be forced from user space",
        OpCode.TlbFlush or OpCode.Notifier => "a recorded kernel event is compared, never executed",
        OpCode.None => "no op",
        _ => null,
    };

    private static GuestOp Translate(in TraceEvent e)
    {
        ulong addr = e.Addr, len = e.Len == 0 ? PageSize : e.Len;
        return e.Op switch
        {
            OpCode.Mmap => new GuestOp(e.Line, e.Pid, "mmap", addr, len, (ulong)e.Prot, MmapFlagsOf(e),
                e.Backing == Backing.File ? (ulong)e.FileId : 0, e.Backing == Backing.File ? e.PgOff : 0),
            OpCode.Munmap => new GuestOp(e.Line, e.Pid, "munmap", addr, len),
            OpCode.Mprotect => new GuestOp(e.Line, e.Pid, "mprotect", addr, len, (ulong)e.Prot),
            OpCode.Madvise => new GuestOp(e.Line, e.Pid, "madvise", addr, len, LinuxAdvice(e.Advice)),
            OpCode.Mremap => new GuestOp(e.Line, e.Pid, "mremap", addr, len, e.Value, e.PgOff),
            OpCode.Read => PageOp(e, "read", 0),
            OpCode.Write => PageOp(e, "write", e.Value),
            OpCode.Fork => new GuestOp(e.Line, e.Pid, "fork", 0, 0, (ulong)e.OtherPid),
            OpCode.Exit => new GuestOp(e.Line, e.Pid, "exit", 0, 0),
            OpCode.ClearRefs => new GuestOp(e.Line, e.Pid, "clear_refs", 0, 0, e.ClearRefsType),
            OpCode.Pagemap => PageOp(e, "pagemap", 0),
            OpCode.UffdWp => new GuestOp(e.Line, e.Pid, "uffd_wp", addr, len, e.Enable ? 1UL : 0, e.Async ? 1UL : 0),
            OpCode.PagemapScan => PageOp(e, "pagemap_scan", e.Enable ? 1UL : 0),
            OpCode.Pin => new GuestOp(e.Line, e.Pid, "pin", addr, len, (ulong)e.PinFlags),
            OpCode.Unpin => new GuestOp(e.Line, e.Pid, "unpin", addr, len),
            OpCode.DmaRead => PageOp(e, "dma_read", 0),
            OpCode.DmaWrite => PageOp(e, "dma_write", e.Value),
            _ => throw new OracleTranslationException(e.Line, $"op {e.Op} has no guest translation"),
        };
    }

    /// <summary>Per-page ops cover every page the byte range touches, from its first page boundary.</summary>
    private static GuestOp PageOp(in TraceEvent e, string name, ulong a)
    {
        ulong start = e.Addr & ~(PageSize - 1);
        ulong end = e.Addr + (e.Len == 0 ? PageSize : e.Len);
        ulong len = (end - start + PageSize - 1) & ~(PageSize - 1);
        return new GuestOp(e.Line, e.Pid, name, start, len, a);
    }

    private static ulong MmapFlagsOf(in TraceEvent e)
    {
        ulong flags = 0;
        if (e.Shared)
            flags |= MapShared;
        if (e.Backing == Backing.File)
            flags |= MapFile;
        if ((e.MmapFlags & MmapFlags.Populate) != 0)
            flags |= MapPopulate;
        if ((e.MmapFlags & MmapFlags.HugePage) != 0)
            flags |= MapHugePage;
        return flags;
    }

    /// <summary>MADV_* numbers of the Linux x86 ABI.</summary>
    public static ulong LinuxAdvice(Advice advice) => advice switch
    {
        Advice.DontNeed => 4,
        Advice.DontFork => 10,
        Advice.DoFork => 11,
        Advice.Mergeable => 12,
        Advice.HugePage => 14,
        Advice.NoHugePage => 15,
        Advice.WipeOnFork => 18,
        Advice.PageOut => 21,
        _ => 0,
    };
}
