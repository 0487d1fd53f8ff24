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
public sealed partial class Machine
{
    private readonly Dictionary<int, AddressSpace> _byPid = [];
    private readonly List<AddressSpace?> _byId = [null];
    private readonly Dictionary<long, int> _pageCache = [];
    private IEffectSink _sink = NullSink.Instance;
    /// <summary>The current sink's <see cref="IEffectSink.Wants"/>, read once per sink change.</summary>
    private EffectKinds _wants = EffectKinds.All;
    private int[] _freeBatch = new int[256];
    private int _freeCount;
    private int _nextSyntheticFile = -1;
    private int _nextAnonVma = 1;
    private readonly Stack<AddressSpace> _deadMms = new();
    private int[] _scratch = new int[64];
    /// <summary>Recently used pid -> mm, direct-mapped by pid: a trace's processes take turns on the CPUs.</summary>
    private readonly MmCacheEntry[] _mmCache = new MmCacheEntry[64];
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

    /// <summary>Effects the model produced, built or not (a sink may consume only some kinds).</summary>
    public long EffectsProduced { get; private set; }

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
        if (e.Op is OpCode.Read or OpCode.Write)
        {
            // The hot path (most of any trace): the same steps back to back, without copying the event into a cursor.
            Enter(in e, sink);
            var mm = MmOf(e.Pid);
            Start(in e, mm);
            AccessOp.Run(this, mm, in e);
            return;
        }

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
        Enter(in cursor.Event, sink);
        if (cursor.Step == 0)
        {
            Start(in cursor.Event, MmOf(cursor.Event.Pid));
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

    /// <summary>Every step: the event effects are attributed to, and the sink they go to.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Enter(in TraceEvent e, IEffectSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (!ReferenceEquals(_sink, sink))
        {
            _sink = sink; // storing a reference costs a GC write barrier: only when the sink changes
            _wants = sink.Wants;
        }

        Current.Line = e.Line;
        Current.Pid = e.Pid;
        Current.Cpu = e.Cpu;
        Current.Op = e.Op;
        Current.TimeNs = e.TimeNs;
        Frames.Clock = e.Line;
    }

    /// <summary>An op's first step: its task runs on its CPU (switch_mm when another mm was loaded there).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void Start(in TraceEvent e, AddressSpace mm)
    {
        if (e.Cpu < 0 || e.Cpu >= Config.Cpus)
        {
            throw new ArgumentOutOfRangeException(nameof(e), $"line {e.Line}: cpu {e.Cpu} outside the machine's {Config.Cpus} CPUs");
        }

        SwitchTo(e.Cpu, mm);
    }

    // ---- processes ----

    /// <summary>The mm of a pid, created empty on first sight (a process the trace did not see start).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    internal AddressSpace MmOf(int pid)
    {
        ref var cached = ref _mmCache[pid & (_mmCache.Length - 1)];
        if (cached.Pid == pid && cached.Mm is { } hit)
        {
            return hit;
        }

        if (!_byPid.TryGetValue(pid, out var mm))
        {
            mm = NewMm();
            mm.Pid = pid;
            _byPid[pid] = mm;
        }

        cached = new MmCacheEntry(pid, mm);
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

    /// <summary>The ranges the running mprotect changes (VMAs whose flags stay the same are left alone); reused per op.</summary>
    internal List<(ulong Start, ulong End)> MprotectChanged { get; } = [];

    /// <summary>Scratch space for teardown (no allocation per exit).</summary>
    internal ref int[] Scratch => ref _scratch;

    internal AddressSpace? MmById(int id) => id > 0 && id < _byId.Count ? _byId[id] : null;

    internal int MmCount => _byId.Count;

    internal void Attach(int pid, AddressSpace mm)
    {
        mm.Pid = pid;
        _byPid[pid] = mm;
        Array.Clear(_mmCache);
    }

    internal void Detach(int pid)
    {
        _byPid.Remove(pid);
        Array.Clear(_mmCache);
    }

    internal int NewSyntheticFile() => _nextSyntheticFile--;

    internal int NewAnonVma() => _nextAnonVma++;

    /// <summary>switch_mm_irqs_off: load mm on a CPU, flushing when its ASID is new or behind the mm's generation.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
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

    private readonly record struct MmCacheEntry(int Pid, AddressSpace? Mm);

    private sealed class NullSink : IEffectSink
    {
        public static readonly NullSink Instance = new();

        public void Emit(in Effect effect)
        {
        }
    }
}
