using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>
/// Builds a trace in code, one op per call, numbering lines from 2 as a CSV with one header row would.
/// Lengths are in pages. Used by the random-trace generator and by tests.
/// </summary>
public sealed class TraceBuilder
{
    public const ulong Page = 4096;
    private readonly List<TraceEvent> events = [];

    public IReadOnlyList<TraceEvent> Events => events;

    /// <summary>The line the next op gets.</summary>
    public long NextLine => events.Count + 2;

    public TraceBuilder Mmap(int pid, ulong addr, int pages, Prot prot, bool shared = false, int fileId = 0, ulong pgoff = 0, MmapFlags flags = MmapFlags.None) =>
        Add(new TraceEvent
        {
            Op = OpCode.Mmap, Pid = pid, Addr = addr, Len = (ulong)pages * Page, Prot = prot, Shared = shared,
            Backing = fileId == 0 ? Backing.Anon : Backing.File, Fs = FileSystem.Shmem, FileId = fileId, PgOff = pgoff, MmapFlags = flags,
        });

    public TraceBuilder Munmap(int pid, ulong addr, int pages) => Add(new TraceEvent { Op = OpCode.Munmap, Pid = pid, Addr = addr, Len = (ulong)pages * Page });

    public TraceBuilder Mprotect(int pid, ulong addr, int pages, Prot prot) =>
        Add(new TraceEvent { Op = OpCode.Mprotect, Pid = pid, Addr = addr, Len = (ulong)pages * Page, Prot = prot });

    public TraceBuilder Madvise(int pid, ulong addr, int pages, Advice advice) =>
        Add(new TraceEvent { Op = OpCode.Madvise, Pid = pid, Addr = addr, Len = (ulong)pages * Page, Advice = advice });

    public TraceBuilder Mremap(int pid, ulong addr, int pages, ulong to) =>
        Add(new TraceEvent { Op = OpCode.Mremap, Pid = pid, Addr = addr, Len = (ulong)pages * Page, Value = to, PgOff = (ulong)pages * Page });

    public TraceBuilder Read(int pid, ulong addr, int pages = 1) => Add(new TraceEvent { Op = OpCode.Read, Pid = pid, Addr = addr, Len = (ulong)pages * Page });

    /// <summary>A write of <paramref name="value"/>, or of the row's line number when none is given (the format's default).</summary>
    public TraceBuilder Write(int pid, ulong addr, int pages = 1, ulong? value = null) =>
        Add(new TraceEvent { Op = OpCode.Write, Pid = pid, Addr = addr, Len = (ulong)pages * Page, Value = value ?? (ulong)NextLine, HasValue = value is not null });

    public TraceBuilder Fork(int pid, int child) => Add(new TraceEvent { Op = OpCode.Fork, Pid = pid, OtherPid = child });

    public TraceBuilder Exit(int pid) => Add(new TraceEvent { Op = OpCode.Exit, Pid = pid });

    public TraceBuilder ClearRefs(int pid, byte type = 4) => Add(new TraceEvent { Op = OpCode.ClearRefs, Pid = pid, ClearRefsType = type });

    public TraceBuilder Pagemap(int pid, ulong addr, int pages = 1) => Add(new TraceEvent { Op = OpCode.Pagemap, Pid = pid, Addr = addr, Len = (ulong)pages * Page });

    public TraceBuilder Pin(int pid, ulong addr, int pages, PinFlags flags = PinFlags.Write | PinFlags.LongTerm) =>
        Add(new TraceEvent { Op = OpCode.Pin, Pid = pid, Addr = addr, Len = (ulong)pages * Page, PinFlags = flags });

    public TraceBuilder Unpin(int pid, ulong addr, int pages) => Add(new TraceEvent { Op = OpCode.Unpin, Pid = pid, Addr = addr, Len = (ulong)pages * Page });

    public TraceBuilder DmaRead(int pid, ulong addr, int pages = 1) => Add(new TraceEvent { Op = OpCode.DmaRead, Pid = pid, Addr = addr, Len = (ulong)pages * Page });

    public TraceBuilder DmaWrite(int pid, ulong addr, int pages = 1, ulong? value = null) =>
        Add(new TraceEvent { Op = OpCode.DmaWrite, Pid = pid, Addr = addr, Len = (ulong)pages * Page, Value = value ?? (ulong)NextLine, HasValue = value is not null });

    /// <summary>Adds any event (e.g. one the oracle must skip); its line is assigned here.</summary>
    public TraceBuilder Add(TraceEvent e)
    {
        e.Line = NextLine;
        e.TimeNs = (ulong)events.Count;
        e.Tid = e.Tid == 0 ? e.Pid : e.Tid;
        if (e.Len == 0 && e.Op is not (OpCode.Fork or OpCode.Exit or OpCode.ClearRefs))
            e.Len = Page;
        events.Add(e);
        return this;
    }

    public TraceEvent[] Build() => [.. events];
}
