using MathNet.Numerics.Distributions;

namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Where workloads write their events: one method per op, filling pooled <see cref="EventBatch"/>es in place. Stamps
/// each event with its line (as the CSV reader would number it: data row N on line N + 2), a strictly increasing
/// time (exponential gaps), and checks the invariants every trace must keep (CPU in range). Full batches wait in
/// <see cref="TakeReady"/> until the driver hands them on.
/// </summary>
public sealed class TraceBuilder
{
    public const ulong PageSize = 4096;

    private readonly Random _random;
    private readonly double _gapRate;
    private readonly int _batchSize;
    private readonly int _cpus;
    private readonly TraceInfo _info;
    private readonly Queue<EventBatch> _ready = new();
    private EventBatch? _current;
    private ulong _time;

    public TraceBuilder(Random random, WorkloadOptions options, TraceInfo info)
    {
        ArgumentNullException.ThrowIfNull(options);
        _random = random;
        _gapRate = 1.0 / options.GapNs;
        _batchSize = options.BatchSize;
        _cpus = options.Cpus;
        _info = info;
    }

    /// <summary>Events written so far.</summary>
    public long Emitted { get; private set; }

    public bool HasReady => _ready.Count > 0;

    /// <summary>The oldest full batch, or null.</summary>
    public EventBatch? TakeReady() => _ready.TryDequeue(out var batch) ? batch : null;

    /// <summary>Close the partial batch so <see cref="TakeReady"/> returns it (end of trace).</summary>
    public void Flush()
    {
        if (_current is { Count: > 0 })
        {
            _ready.Enqueue(_current);
            _current = null;
        }
    }

    /// <summary>Registers a device name; its id is its place in order of first appearance, as the readers number them.</summary>
    public int Device(string name) => _info.AddDevice(name);

    // ---- address-space changes ----

    public void Mmap(Actor a, Region r, Prot prot, bool shared = false, MmapFlags flags = MmapFlags.None)
    {
        ref var e = ref Range(OpCode.Mmap, a, r);
        e.Prot = prot;
        e.Shared = shared;
        e.Backing = Backing.Anon;
        e.Fs = shared ? FileSystem.Shmem : FileSystem.Ext4;
        e.MmapFlags = flags;
    }

    public void Munmap(Actor a, Region r) => Range(OpCode.Munmap, a, r);

    public void Madvise(Actor a, Region r, Advice advice) => Range(OpCode.Madvise, a, r).Advice = advice;

    // ---- CPU accesses ----

    public void Read(Actor a, Region r) => Range(OpCode.Read, a, r);

    /// <summary>A store whose value is the row number (the reader's default: unique per write).</summary>
    public void Write(Actor a, Region r) => DefaultValue(ref Range(OpCode.Write, a, r));

    /// <summary>A store of a chosen value (content matters, as for KSM).</summary>
    public void Write(Actor a, Region r, ulong value) => Valued(ref Range(OpCode.Write, a, r), value);

    // ---- processes ----

    public void Fork(Actor a, int child) => Emit(OpCode.Fork, a).OtherPid = child;

    public void Exit(Actor a) => Emit(OpCode.Exit, a);

    // ---- dirty tracking ----

    public void ClearRefs(Actor a, byte type) => Emit(OpCode.ClearRefs, a).ClearRefsType = type;

    public void Pagemap(Actor a, Region r) => Range(OpCode.Pagemap, a, r);

    public void UffdWp(Actor a, Region r, bool enable, bool async)
    {
        ref var e = ref Range(OpCode.UffdWp, a, r);
        e.Enable = enable;
        e.Async = async;
    }

    public void PagemapScan(Actor a, Region r, bool clear) => Range(OpCode.PagemapScan, a, r).Enable = clear;

    // ---- pins and DMA ----

    public void Pin(Actor a, Region r, PinFlags flags) => Range(OpCode.Pin, a, r).PinFlags = flags;

    public void Unpin(Actor a, Region r) => Range(OpCode.Unpin, a, r);

    public void DmaRead(Actor a, Region r) => Range(OpCode.DmaRead, a, r);

    public void DmaWrite(Actor a, Region r) => DefaultValue(ref Range(OpCode.DmaWrite, a, r));

    // ---- secondary MMUs ----

    public void DevAttach(Actor a, int device, DeviceKind kind)
    {
        ref var e = ref Emit(OpCode.DevAttach, a);
        e.Device = device;
        e.DeviceKind = kind;
    }

    public void DevDetach(Actor a, int device) => Emit(OpCode.DevDetach, a).Device = device;

    public void DevRead(Actor a, int device, Region r) => Range(OpCode.DevRead, a, r).Device = device;

    public void DevWrite(Actor a, int device, Region r)
    {
        ref var e = ref Range(OpCode.DevWrite, a, r);
        e.Device = device;
        DefaultValue(ref e);
    }

    public void DevWrite(Actor a, int device, Region r, ulong value)
    {
        ref var e = ref Range(OpCode.DevWrite, a, r);
        e.Device = device;
        Valued(ref e, value);
    }

    // ---- kernel-initiated ----

    public void NumaHint(Actor a, Region r) => Range(OpCode.NumaHint, a, r);

    public void Migrate(Actor a, Region r) => Range(OpCode.Migrate, a, r);

    public void KsmMerge(Actor a, ulong addr, int withPid, ulong withAddr)
    {
        ref var e = ref Range(OpCode.KsmMerge, a, new Region(addr, 1));
        e.OtherPid = withPid;
        e.Value = withAddr;
    }

    // ---- plumbing ----

    private ref TraceEvent Range(OpCode op, Actor a, Region r)
    {
        ref var e = ref Emit(op, a);
        e.Addr = r.Start;
        e.Len = r.Bytes;
        return ref e;
    }

    private ref TraceEvent Emit(OpCode op, Actor a)
    {
        if ((uint)a.Cpu >= (uint)_cpus || a.Pid <= 0 || a.Tid <= 0)
        {
            throw new InvalidOperationException($"workload bug: {OpTable.Name(op)} on cpu {a.Cpu} pid {a.Pid} tid {a.Tid} (cpus: {_cpus})");
        }

        if (_current is null || _current.Count == _batchSize)
        {
            if (_current is not null)
            {
                _ready.Enqueue(_current);
            }

            _current = new EventBatch(_batchSize);
        }

        Emitted++;
        _time += Math.Max(1UL, (ulong)Exponential.Sample(_random, _gapRate));
        _info.CountRead();
        _info.CountEmitted();
        ref var e = ref _current.Add();
        e.Line = Emitted + 2;
        e.TimeNs = _time;
        e.Op = op;
        e.Cpu = a.Cpu;
        e.Pid = a.Pid;
        e.Tid = a.Tid;
        return ref e;
    }

    /// <summary>value= left out: the reader fills in the data row number, which is this event's index.</summary>
    private void DefaultValue(ref TraceEvent e) => e.Value = (ulong)Emitted;

    private static void Valued(ref TraceEvent e, ulong value)
    {
        e.Value = value;
        e.HasValue = true;
    }
}
