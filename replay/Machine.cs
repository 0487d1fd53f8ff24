using System.Numerics;
using MmReplay.Ingest;
using MmReplay.Replay.Model;
using MmReplay.Replay.Ops;

namespace MmReplay.Replay;

/// <summary>
/// The modelled machine: CPUs with TLBs, page frames and the page cache, swap, and one address space per
/// process. <see cref="Apply"/> replays one trace event under the <see cref="KernelPolicy"/> and reports what
/// happened as effects; it allocates nothing per event once its tables have grown to the trace's size.
/// </summary>
public sealed class Machine
{
    private readonly Dictionary<int, AddressSpace> _byPid = [];
    private readonly List<AddressSpace?> _byId = [null];
    private readonly Dictionary<long, int> _pageCache = [];
    private IEffectSink _sink = NullSink.Instance;
    private int[] _freeBatch = new int[256];
    private int _freeCount;
    private int _nextSyntheticFile = -1;
    private int _nextAnonVma = 1;
    private readonly Stack<AddressSpace> _deadMms = new();
    private int[] _scratch = new int[64];
    private int _cachedPid;
    private AddressSpace? _cachedMm;
    private readonly ulong _softDirtyBit;

    public Machine(KernelPolicy policy, MachineConfig config)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(config);
        if (config.Cpus is < 1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(config), "cpus must be 1..64");
        }

        if (config.PageSize < 4096 || !BitOperations.IsPow2(config.PageSize))
        {
            throw new ArgumentOutOfRangeException(nameof(config), "page size must be a power of two >= 4096");
        }

        Policy = policy;
        Config = config;
        PageShift = BitOperations.Log2((uint)config.PageSize);
        PageSize = (ulong)config.PageSize;
        Tlbs = new CpuTlbs(config.Cpus, config.TlbEntries);
        _softDirtyBit = policy.SoftDirty ? Pte.SoftDirty : 0;
    }

    public KernelPolicy Policy { get; }

    public MachineConfig Config { get; }

    internal int PageShift { get; }

    internal ulong PageSize { get; }

    internal PageFrames Frames { get; } = new();

    internal LeafTables Tables { get; } = new();

    internal CpuTlbs Tlbs { get; }

    internal SwapSpace Swap { get; } = new();

    internal PinTable Pins { get; } = new();

    /// <summary>mmu_notifier subscribers with their device TLBs, in attach order.</summary>
    internal List<SecondaryTlb> Devices { get; } = [];

    /// <summary>The x86 soft-dirty bit as pte_mkdirty sets it: zero without CONFIG_MEM_SOFT_DIRTY.</summary>
    internal ulong SoftDirtyBit => _softDirtyBit;

    /// <summary>The event being applied (for effect provenance).</summary>
    internal EventContext Current;

    /// <summary>Frames allocated, for tests and reports.</summary>
    public int FramesInUse => Frames.InUse;

    /// <summary>What the model does with an op: applies it, records it (kernel events), or does not model it yet.</summary>
    public static OpSupport SupportOf(OpCode op) => op switch
    {
        OpCode.Mmap or OpCode.Munmap or OpCode.Mprotect or OpCode.Madvise or OpCode.Mremap
            or OpCode.Read or OpCode.Write or OpCode.Fault
            or OpCode.Fork or OpCode.Exit or OpCode.Exec
            or OpCode.ClearRefs or OpCode.Pagemap
            or OpCode.Pin or OpCode.Unpin or OpCode.DmaRead or OpCode.DmaWrite
            or OpCode.DevAttach or OpCode.DevDetach or OpCode.DevRead or OpCode.DevWrite
            or OpCode.NumaHint or OpCode.KsmMerge or OpCode.WpRange or OpCode.CleanRange or OpCode.Migrate
            or OpCode.UffdWp or OpCode.PagemapScan
            or OpCode.SwapOut or OpCode.Writeback => OpSupport.Applied,
        OpCode.TlbFlush or OpCode.Notifier => OpSupport.Recorded,
        _ => OpSupport.NotModelled,
    };

    /// <summary>Replay one event: every step of its op back to back.</summary>
    public void Apply(in TraceEvent e, IEffectSink sink)
    {
        if (SupportOf(e.Op) != OpSupport.Applied)
        {
            return;
        }

        var cursor = new OpCursor(e);
        while (Step(ref cursor, sink))
        {
        }
    }

    /// <summary>
    /// Run the next step of an op (the work under one lock) and report whether more steps remain. An
    /// interleaving explorer calls this for several cursors in the order it chooses.
    /// </summary>
    public bool Step(ref OpCursor cursor, IEffectSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        _sink = sink;
        Current.Line = cursor.Event.Line;
        Current.Pid = cursor.Event.Pid;
        Current.Cpu = cursor.Event.Cpu;
        Current.Op = cursor.Event.Op;
        Current.TimeNs = cursor.Event.TimeNs;
        Frames.Clock = cursor.Event.Line;
        if (cursor.Step == 0)
        {
            if (cursor.Event.Cpu < 0 || cursor.Event.Cpu >= Config.Cpus)
            {
                throw new ArgumentOutOfRangeException(nameof(cursor), $"line {cursor.Event.Line}: cpu {cursor.Event.Cpu} outside the machine's {Config.Cpus} CPUs");
            }

            SwitchTo(cursor.Event.Cpu, MmOf(cursor.Event.Pid));
        }

        return cursor.Event.Op switch
        {
            OpCode.Mmap => MmapOp.Step(this, ref cursor),
            OpCode.Munmap => MunmapOp.Step(this, ref cursor),
            OpCode.Mprotect => MprotectOp.Step(this, ref cursor),
            OpCode.Madvise => MadviseOp.Step(this, ref cursor),
            OpCode.Mremap => MremapOp.Step(this, ref cursor),
            OpCode.Read or OpCode.Write => AccessOp.Step(this, ref cursor),
            OpCode.Fault => AccessOp.StepRecordedFault(this, ref cursor),
            OpCode.Fork => ForkOp.Step(this, ref cursor),
            OpCode.Exit or OpCode.Exec => ExitOp.Step(this, ref cursor),
            OpCode.ClearRefs => ClearRefsOp.Step(this, ref cursor),
            OpCode.Pagemap => PagemapOp.Step(this, ref cursor),
            OpCode.Pin or OpCode.Unpin => PinOp.Step(this, ref cursor),
            OpCode.DmaRead or OpCode.DmaWrite => DmaOp.Step(this, ref cursor),
            OpCode.NumaHint => NumaHintOp.Step(this, ref cursor),
            OpCode.KsmMerge => KsmOp.Step(this, ref cursor),
            OpCode.Migrate => MigrateOp.Step(this, ref cursor),
            OpCode.UffdWp => UffdWpOp.Step(this, ref cursor),
            OpCode.PagemapScan => PagemapScanOp.Step(this, ref cursor),
            OpCode.WpRange or OpCode.CleanRange => DirtyHelperOp.Step(this, ref cursor),
            OpCode.DevAttach or OpCode.DevDetach or OpCode.DevRead or OpCode.DevWrite => DeviceOp.Step(this, ref cursor),
            OpCode.SwapOut => ReclaimOp.Step(this, ref cursor),
            OpCode.Writeback => WritebackOp.Step(this, ref cursor),
            _ => false,
        };
    }

    // ---- processes ----

    /// <summary>The mm of a pid, created empty on first sight (a process the trace did not see start).</summary>
    internal AddressSpace MmOf(int pid)
    {
        if (pid == _cachedPid && _cachedMm is not null)
        {
            return _cachedMm;
        }

        if (!_byPid.TryGetValue(pid, out var mm))
        {
            mm = NewMm();
            mm.Pid = pid;
            _byPid[pid] = mm;
        }

        _cachedPid = pid;
        _cachedMm = mm;
        return mm;
    }

    /// <summary>A new empty mm; ids of torn-down mms are reused (their TLB entries and ASIDs were forgotten at exit).</summary>
    internal AddressSpace NewMm()
    {
        if (_deadMms.Count > 0)
        {
            var reused = _deadMms.Pop();
            reused.Reset();
            reused.NextTrimNs = Current.TimeNs + TrimIntervalNs; // init_new_context: jiffies + HZ
            return reused;
        }

        var mm = new AddressSpace(_byId.Count, Tables, PageShift);
        _byId.Add(mm);
        mm.NextTrimNs = Current.TimeNs + TrimIntervalNs;
        return mm;
    }

    /// <summary>Return a torn-down mm for reuse.</summary>
    internal void Bury(AddressSpace mm) => _deadMms.Push(mm);

    /// <summary>Scratch space for teardown (no allocation per exit).</summary>
    internal ref int[] Scratch => ref _scratch;

    internal AddressSpace? MmById(int id) => id > 0 && id < _byId.Count ? _byId[id] : null;

    internal int MmCount => _byId.Count;

    internal void Attach(int pid, AddressSpace mm)
    {
        mm.Pid = pid;
        _byPid[pid] = mm;
        _cachedMm = null;
    }

    internal void Detach(int pid)
    {
        _byPid.Remove(pid);
        _cachedMm = null;
    }

    internal int NewSyntheticFile() => _nextSyntheticFile--;

    internal int NewAnonVma() => _nextAnonVma++;

    /// <summary>switch_mm_irqs_off: load mm on a CPU, flushing when its ASID is new or behind the mm's generation.</summary>
    internal void SwitchTo(int cpu, AddressSpace mm)
    {
        var bit = 1UL << cpu;
        if (Tlbs.Loaded(cpu) == mm.Id)
        {
            mm.CpuMask |= bit;
            return;
        }

        var flush = Tlbs.SwitchNeedsFlush(cpu, mm.Id, mm.TlbGen);
        if (flush)
        {
            Tlbs.InvalidateMm(cpu, mm.Id, keepDirtyWritable: false);
        }

        if (Policy.CpumaskTrim == MmReplay.Replay.Policy.CpumaskTrim.OnSwitch && MmById(Tlbs.Loaded(cpu)) is { } prev)
        {
            prev.CpuMask &= ~bit; // "stop remote flushes for the previous mm"
        }

        Tlbs.SetLoaded(cpu, mm.Id);
        mm.CpuMask |= bit;
        EmitFlush(cpu, TlbFlushReason.TaskSwitch, flush ? -1 : 0, bit, FlushScope.Full, 0, ulong.MaxValue);
    }

    // ---- page cache ----

    internal static long FileKey(int fileId, ulong pgoff) => ((long)fileId << 40) ^ (long)pgoff;

    /// <summary>find_or_create_page: the page-cache frame of (file, pgoff); a new one reads zero.</summary>
    internal int PageCacheFrame(int fileId, ulong pgoff)
    {
        var key = FileKey(fileId, pgoff);
        if (!_pageCache.TryGetValue(key, out var frame))
        {
            frame = Frames.Allocate(FrameFlags.File, 0);
            Frames.RefCount(frame) = 1;
            Frames.Owner(frame) = key;
            _pageCache[key] = frame;
        }

        return frame;
    }

    internal bool TryPageCacheFrame(int fileId, ulong pgoff, out int frame) => _pageCache.TryGetValue(FileKey(fileId, pgoff), out frame);

    // ---- TLB flushes (x86 flush_tlb_mm_range) ----

    /// <summary>
    /// flush_tlb_mm_range on the current CPU: widen past the ceiling (TL-1), bump tlb_gen, IPI the other CPUs of
    /// mm_cpumask (reason 4 on the initiator, 1 on each remote CPU running the mm), flush locally (reason 3).
    /// CPUs in the mask not running the mm flush when they switch back (their ASID is behind).
    /// </summary>
    internal void FlushTlbRange(AddressSpace mm, ulong start, ulong end, FlushScope scope, CallSite site = CallSite.Unknown)
    {
        long pages;
        var (requestedStart, requestedEnd) = (start, end);
        if (scope == FlushScope.Full || ((end - start) >> PageShift) > (ulong)Config.FlushCeiling)
        {
            start = 0;
            end = ulong.MaxValue;
            pages = -1;
        }
        else
        {
            pages = (long)((end - start) >> PageShift);
        }

        mm.TlbGen++;
        var cpu = Current.Cpu;
        var others = mm.CpuMask & ~(1UL << cpu);
        if (others != 0)
        {
            EmitFlush(cpu, TlbFlushReason.RemoteSendIpi, pages, mm.CpuMask, scope, start, end);
            var trim = ShouldTrimCpumask(mm);
            for (var rest = others; rest != 0; rest &= rest - 1)
            {
                var r = BitOperations.TrailingZeroCount(rest);
                if (Tlbs.Loaded(r) == mm.Id)
                {
                    InvalidateOn(r, mm, start, end, pages);
                    EmitFlush(r, TlbFlushReason.RemoteShootdown, pages, 1UL << r, scope, start, end);
                }
                else if (trim)
                {
                    // flush_tlb_func on a CPU that left the mm: clear its bit, log reason 5 with pages 0.
                    mm.CpuMask &= ~(1UL << r);
                    EmitFlush(r, TlbFlushReason.RemoteWrongCpu, 0, 1UL << r, scope, start, end);
                }
            }
        }

        if (Tlbs.Loaded(cpu) == mm.Id)
        {
            InvalidateOn(cpu, mm, start, end, pages);
            EmitFlush(cpu, TlbFlushReason.LocalMmShootdown, pages, 1UL << cpu, scope, start, end);
        }

        if (!Policy.SecondaryRangeWidened)
        {
            (start, end) = (requestedStart, requestedEnd);
        }

        Notify.ArchFlush(this, mm, start, end, site == CallSite.Unknown ? Notify.SiteOf(Current.Op) : site);
    }

    /// <summary>
    /// arch_tlbbatch_flush after batched reclaim unmaps (TTU_BATCH_FLUSH): a full flush with no mm, traced
    /// as "local shootdown" (reason 2) on the initiator and "remote shootdown" on the others.
    /// </summary>
    internal void FlushBatched(AddressSpace mm)
    {
        mm.TlbGen++;
        var cpu = Current.Cpu;
        var others = mm.CpuMask & ~(1UL << cpu);
        if (others != 0)
        {
            EmitFlush(cpu, TlbFlushReason.RemoteSendIpi, -1, mm.CpuMask, FlushScope.Full, 0, ulong.MaxValue);
            for (var rest = others; rest != 0; rest &= rest - 1)
            {
                var r = BitOperations.TrailingZeroCount(rest);
                if (Tlbs.Loaded(r) == mm.Id)
                {
                    InvalidateOn(r, mm, 0, ulong.MaxValue, -1);
                    EmitFlush(r, TlbFlushReason.RemoteShootdown, -1, 1UL << r, FlushScope.Full, 0, ulong.MaxValue);
                }
            }
        }

        if (Tlbs.Loaded(cpu) == mm.Id)
        {
            InvalidateOn(cpu, mm, 0, ulong.MaxValue, -1);
        }

        EmitFlush(cpu, TlbFlushReason.LocalShootdown, -1, 1UL << cpu, FlushScope.Full, 0, ulong.MaxValue);
    }

    private const ulong TrimIntervalNs = 1_000_000_000;

    /// <summary>v6.14 should_trim_cpumask: at most once a second per mm, a flush also IPIs CPUs that left it.</summary>
    private bool ShouldTrimCpumask(AddressSpace mm)
    {
        if (Policy.CpumaskTrim != MmReplay.Replay.Policy.CpumaskTrim.Lazy || Current.TimeNs <= mm.NextTrimNs)
        {
            return false;
        }

        mm.NextTrimNs = Current.TimeNs + TrimIntervalNs;
        return true;
    }

    private void InvalidateOn(int cpu, AddressSpace mm, ulong start, ulong end, long pages)
    {
        var keep = Policy.ArchDirty == MmReplay.Replay.Policy.ArchDirtyModel.StaleDirtySurvivesFlush;
        if (pages < 0)
        {
            Tlbs.InvalidateMm(cpu, mm.Id, keep);
        }
        else
        {
            for (var va = start; va < end; va += PageSize)
            {
                Tlbs.InvalidatePage(cpu, mm.Id, va >> PageShift, keep);
            }
        }

        Tlbs.CaughtUp(cpu, mm.Id, mm.TlbGen);
    }

    // ---- mmu_gather: pages are freed only after the TLB flush ----

    internal void QueueFree(int frame)
    {
        if (_freeCount == _freeBatch.Length)
        {
            Array.Resize(ref _freeBatch, _freeBatch.Length * 2);
        }

        _freeBatch[_freeCount++] = frame;
    }

    /// <summary>tlb_finish_mmu: flush the gathered range (if any PTE was cleared), then free the queued pages.</summary>
    internal void FinishGather(AddressSpace mm, ref OpCursor c, bool fullMm)
    {
        if (c.GatherEnd != 0)
        {
            var (start, end) = fullMm ? (0UL, ulong.MaxValue) : (c.GatherStart, c.GatherEnd);
            FlushTlbRange(mm, start, end, fullMm ? FlushScope.Full : FlushScope.Range);
            Notify.GatherFlush(this, mm, start, end, Notify.SiteOf(Current.Op)); // tlb_flush_mmu_tlbonly before v6.6
        }

        c.GatherStart = c.GatherEnd = 0;
        for (var i = 0; i < _freeCount; i++)
        {
            Frames.Put(_freeBatch[i]);
        }

        _freeCount = 0;
    }

    // ---- effects ----

    internal void EmitFault(ulong va, uint code, FaultResolution resolution, int frame, bool gup)
    {
        var e = Base(EffectKind.Fault, va);
        e.Code = code;
        e.Detail = (byte)resolution;
        e.Aux = (ulong)(long)frame;
        e.Scope = gup ? (byte)1 : (byte)0;
        _sink.Emit(in e);
    }

    internal void EmitPte(ulong va, ulong oldPte, ulong newPte, PteChangeKind kind, int pid)
    {
        var e = Base(EffectKind.PteChange, va);
        e.Value = newPte;
        e.Aux = oldPte;
        e.Detail = (byte)kind;
        e.Pid = pid;
        _sink.Emit(in e);
    }

    internal void EmitFlush(int cpu, TlbFlushReason reason, long pages, ulong cpus, FlushScope scope, ulong start, ulong end)
    {
        var e = Base(EffectKind.TlbFlush, start);
        e.End = end;
        e.Cpu = cpu;
        e.Cpus = cpus;
        e.Count = pages;
        e.Detail = (byte)reason;
        e.Scope = (byte)scope;
        _sink.Emit(in e);
    }

    internal void EmitObservation(ObservationKind kind, ulong va, ulong value, ulong aux, int device = -1, byte scope = 0)
    {
        var e = Base(EffectKind.Observation, va);
        e.Device = device;
        e.Scope = scope;
        e.Detail = (byte)kind;
        e.Value = value;
        e.Aux = aux;
        _sink.Emit(in e);
    }

    /// <summary>Store <paramref name="value"/> in a frame and report the write (CPU, or a device / DMA when <paramref name="device"/> is set).</summary>
    internal void EmitWrite(ulong va, ulong value, int frame, int device = -1)
    {
        Frames.Content(frame) = value;
        Frames.WrittenAt(frame) = Current.Line;
        var e = Base(EffectKind.GroundTruthWrite, va);
        e.Value = value;
        e.Aux = (ulong)frame;
        e.Device = device;
        _sink.Emit(in e);
    }

    internal void EmitNotifier(int device, NotifierCallKind call, CallSite site, ulong start, ulong end)
    {
        var e = Base(EffectKind.Notifier, start);
        e.End = end;
        e.Device = device;
        e.Detail = (byte)call;
        e.Scope = (byte)site;
        _sink.Emit(in e);
    }

    /// <summary>A hazard at <paramref name="va"/>: Value and Aux per <see cref="HazardKind"/> (frames, values); Scope a cause code.</summary>
    internal void EmitHazard(HazardKind kind, ulong va, ulong value, ulong aux, int device = -1, byte scope = 0)
    {
        var e = Base(EffectKind.Hazard, va);
        e.Detail = (byte)kind;
        e.Value = value;
        e.Aux = aux;
        e.Device = device;
        e.Scope = scope;
        _sink.Emit(in e);
    }

    internal void EmitDirtyReport(ulong start, ulong end, ulong value)
    {
        var e = Base(EffectKind.DirtyReport, start);
        e.End = end;
        e.Value = value;
        _sink.Emit(in e);
    }

    internal void EmitSegv(ulong va, uint code)
    {
        var e = Base(EffectKind.Segv, va);
        e.Code = code;
        _sink.Emit(in e);
    }

    private Effect Base(EffectKind kind, ulong va) => new()
    {
        Kind = kind,
        Line = Current.Line,
        Op = Current.Op,
        Pid = Current.Pid,
        Cpu = Current.Cpu,
        Device = -1,
        Addr = va,
        End = va + PageSize,
    };

    private sealed class NullSink : IEffectSink
    {
        public static readonly NullSink Instance = new();

        public void Emit(in Effect effect)
        {
        }
    }
}
