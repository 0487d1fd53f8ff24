using System.Runtime.CompilerServices;

namespace MmReplay.Replay.Model;

/// <summary>
/// Per-CPU TLBs: direct-mapped arrays of translations tagged by mm (like PCID), each caching the frame and the
/// write and dirty state it was filled with, plus x86's per-CPU ASID slots (TLB_NR_DYN_ASIDS = 6) that decide
/// whether a switch to an mm must flush (switch_mm_irqs_off). A full flush of an mm on a CPU bumps that pair's
/// epoch instead of scanning the array: an entry is live only while it carries its (cpu, mm)'s current epoch.
/// </summary>
public sealed class CpuTlbs
{
    public const byte CachedWrite = 1;
    public const byte CachedDirty = 2;
    /// <summary>The entry outlived a flush (the DH-5 ablation hardware): writes through it are lost to the PTE.</summary>
    public const byte SurvivedFlush = 4;
    public const int AsidSlots = 6;

    private readonly int _mask;
    private readonly int _perCpu;
    /// <summary>Entries as one array of structs: a lookup touches one cache line.</summary>
    private readonly Entry[] _entries;
    private readonly int[] _loaded;
    private readonly int[] _asidMm;
    private readonly ulong[] _asidGen;
    private readonly int[] _nextAsid;
    /// <summary>Flush epoch per (mm, cpu) at [mm * Cpus + cpu], grown as mm ids appear; 0 before the first flush.</summary>
    private int[] _epochs = new int[64];

    public CpuTlbs(int cpus, int entriesPerCpu)
    {
        if (entriesPerCpu <= 0 || (entriesPerCpu & (entriesPerCpu - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(entriesPerCpu), "TLB entries per CPU must be a power of two");
        }

        Cpus = cpus;
        _perCpu = entriesPerCpu;
        _mask = entriesPerCpu - 1;
        _entries = new Entry[cpus * entriesPerCpu];
        _loaded = new int[cpus];
        _asidMm = new int[cpus * AsidSlots];
        _asidGen = new ulong[cpus * AsidSlots];
        _nextAsid = new int[cpus];
    }

    public int Cpus { get; }

    /// <summary>The mm loaded on a CPU (cpu_tlbstate.loaded_mm), 0 for none.</summary>
    public int Loaded(int cpu) => _loaded[cpu];

    public void SetLoaded(int cpu, int mm) => _loaded[cpu] = mm;

    /// <summary>
    /// Switch a CPU to mm: true when the switch must flush (no ASID slot for the mm, or its generation is behind).
    /// The slot is then brought up to <paramref name="gen"/>.
    /// </summary>
    public bool SwitchNeedsFlush(int cpu, int mm, ulong gen)
    {
        var b = cpu * AsidSlots;
        for (var i = 0; i < AsidSlots; i++)
        {
            if (_asidMm[b + i] == mm)
            {
                var stale = _asidGen[b + i] != gen;
                _asidGen[b + i] = gen;
                return stale;
            }
        }

        var slot = _nextAsid[cpu];
        _nextAsid[cpu] = (slot + 1) % AsidSlots;
        _asidMm[b + slot] = mm;
        _asidGen[b + slot] = gen;
        return true;
    }

    /// <summary>Record that a CPU running mm caught up with generation <paramref name="gen"/> (it flushed).</summary>
    public void CaughtUp(int cpu, int mm, ulong gen)
    {
        var b = cpu * AsidSlots;
        for (var i = 0; i < AsidSlots; i++)
        {
            if (_asidMm[b + i] == mm)
            {
                _asidGen[b + i] = gen;
            }
        }
    }

    /// <summary>Forget an mm's ASID slots everywhere (the mm died; its id may be reused).</summary>
    public void ForgetMm(int mm)
    {
        for (var i = 0; i < _asidMm.Length; i++)
        {
            if (_asidMm[i] == mm)
            {
                _asidMm[i] = 0;
            }
        }

        for (var cpu = 0; cpu < Cpus; cpu++)
        {
            NextEpoch(cpu, mm); // every entry of the mm dies, survivors of the DH-5 ablation included
        }
    }

    /// <summary>Look up a translation: the slot index when cached, else -1.</summary>
    public int Lookup(int cpu, int mm, ulong vpn)
    {
        var i = Slot(cpu, mm, vpn);
        ref var e = ref _entries[i];
        return e.Mm == mm && e.Vpn == vpn && e.Epoch == Epoch(cpu, mm) ? i : -1;
    }

    /// <summary>The entry a lookup of (cpu, mm, vpn) reads, for a cache prefetch hint.</summary>
    internal ref byte EntryFor(int cpu, int mm, ulong vpn) => ref Unsafe.As<Entry, byte>(ref _entries[Slot(cpu, mm, vpn)]);

    public int FrameAt(int slot) => _entries[slot].Frame;

    public ref byte BitsAt(int slot) => ref _entries[slot].Bits;

    /// <summary>Fill a translation after a page walk (may evict a conflicting one: a finite TLB).</summary>
    public void Fill(int cpu, int mm, ulong vpn, int frame, byte bits)
    {
        ref var e = ref _entries[Slot(cpu, mm, vpn)];
        e.Mm = mm;
        e.Vpn = vpn;
        e.Frame = frame;
        e.Bits = bits;
        e.Epoch = Epoch(cpu, mm);
    }

    public void InvalidatePage(int cpu, int mm, ulong vpn, bool keepDirtyWritable)
    {
        var i = Lookup(cpu, mm, vpn);
        if (i >= 0)
        {
            Invalidate(ref _entries[i], keepDirtyWritable);
        }
    }

    /// <summary>Drop every translation of mm on a CPU; the ablation keeps writable dirty ones (DH-5).</summary>
    public void InvalidateMm(int cpu, int mm, bool keepDirtyWritable)
    {
        if (!keepDirtyWritable)
        {
            NextEpoch(cpu, mm);
            return;
        }

        var b = cpu * _perCpu;
        var epoch = Epoch(cpu, mm);
        for (var i = b; i < b + _perCpu; i++)
        {
            ref var e = ref _entries[i];
            if (e.Mm == mm && e.Epoch == epoch)
            {
                Invalidate(ref e, keepDirtyWritable);
            }
        }
    }

    private int Epoch(int cpu, int mm)
    {
        var i = (mm * Cpus) + cpu;
        return (uint)i < (uint)_epochs.Length ? _epochs[i] : 0;
    }

    /// <summary>Kill every entry of mm on a CPU. (An int epoch wraps after 2^32 flushes of one pair: an entry would have to survive them all.)</summary>
    private void NextEpoch(int cpu, int mm)
    {
        var i = (mm * Cpus) + cpu;
        if (i >= _epochs.Length)
        {
            Array.Resize(ref _epochs, Math.Max(_epochs.Length * 2, i + 1));
        }

        _epochs[i]++;
    }

    private static void Invalidate(ref Entry e, bool keepDirtyWritable)
    {
        if (keepDirtyWritable && (e.Bits & (CachedWrite | CachedDirty)) == (CachedWrite | CachedDirty))
        {
            e.Bits |= SurvivedFlush;
            return;
        }

        e.Mm = 0;
    }

    private int Slot(int cpu, int mm, ulong vpn) => (cpu * _perCpu) + (int)((vpn ^ ((ulong)mm * 0x9E3779B1UL)) & (ulong)_mask);

    private struct Entry
    {
        public ulong Vpn;
        public int Mm;
        public int Frame;
        /// <summary>The (cpu, mm) epoch at fill time.</summary>
        public int Epoch;
        public byte Bits;
    }
}
