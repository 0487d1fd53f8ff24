namespace MmReplay.Replay.Model;

/// <summary>
/// One mm: VMAs sorted by address in a flat array, the page table as leaf tables found through
/// <see cref="LeafMap"/>, mm_cpumask, the TLB generation and tlb_flush_pending, MMF_HAS_PINNED and the lock state.
/// </summary>
public sealed class AddressSpace
{
    private Vma[] _vmas = new Vma[8];
    private readonly LeafTables _tables;

    private readonly int _pageShift;

    public AddressSpace(int id, LeafTables tables, int pageShift)
    {
        Id = id;
        _tables = tables;
        _pageShift = pageShift;
    }

    /// <summary>Model mm id (1-based; 0 means none in TLB tags).</summary>
    public int Id { get; }

    public int VmaCount { get; private set; }

    /// <summary>The pid this mm was last attached to (for effects about other processes' page tables).</summary>
    public int Pid { get; set; }

    public LeafMap Leaves { get; } = new();

    /// <summary>mm_cpumask: CPUs this mm ran on (they receive shootdowns, TL-2).</summary>
    public ulong CpuMask { get; set; }

    /// <summary>x86 mm->context.tlb_gen: bumped by every flush; a CPU switching in with an older generation flushes.</summary>
    public ulong TlbGen { get; set; } = 1;

    /// <summary>mm->tlb_flush_pending (7.1): raised by deferred flushers between PTE changes and their flush.</summary>
    public int TlbFlushPending { get; set; }

    /// <summary>MMF_HAS_PINNED (earlier mm->has_pinned, v5.9): set on the first pin, never cleared (FK-1).</summary>
    public bool HasPinned { get; set; }

    /// <summary>mmu_notifier subscribers registered on this mm (mm_has_notifiers: zero makes every notifier call a no-op).</summary>
    public int Subscribers { get; set; }

    public MmapLockState MmapLock { get; set; }

    /// <summary>x86 mm->context.next_trim_cpumask as trace time: a flush after it IPIs stale CPUs of the mask (v6.14+).</summary>
    public ulong NextTrimNs { get; set; }

    public bool Alive { get; set; } = true;

    public ref Vma VmaAt(int index) => ref _vmas[index];

    /// <summary>Index of the VMA containing <paramref name="va"/>, or -1.</summary>
    public int FindVma(ulong va)
    {
        int lo = 0, hi = VmaCount - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >> 1;
            ref var v = ref _vmas[mid];
            if (va < v.Start)
            {
                hi = mid - 1;
            }
            else if (va >= v.End)
            {
                lo = mid + 1;
            }
            else
            {
                return mid;
            }
        }

        return -1;
    }

    /// <summary>Index of the first VMA whose end is above <paramref name="va"/> (the VMA at or after va), or VmaCount.</summary>
    public int FirstVmaEndingAfter(ulong va)
    {
        int lo = 0, hi = VmaCount;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (_vmas[mid].End <= va)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    public void InsertVma(int index, in Vma vma)
    {
        if (VmaCount == _vmas.Length)
        {
            Array.Resize(ref _vmas, _vmas.Length * 2);
        }

        Array.Copy(_vmas, index, _vmas, index + 1, VmaCount - index);
        _vmas[index] = vma;
        VmaCount++;
    }

    public void RemoveVma(int index)
    {
        Array.Copy(_vmas, index + 1, _vmas, index, VmaCount - index - 1);
        VmaCount--;
    }

    /// <summary>Split the VMA at <paramref name="index"/> at <paramref name="at"/> (split_vma); returns the index of the upper part.</summary>
    public int SplitVma(int index, ulong at, int pageShift)
    {
        var upper = _vmas[index];
        upper.PgOff += (at - upper.Start) >> pageShift;
        upper.Start = at;
        _vmas[index].End = at;
        InsertVma(index + 1, upper);
        return index + 1;
    }

    /// <summary>Split VMAs so that <paramref name="start"/> and <paramref name="end"/> fall on VMA boundaries.</summary>
    public void SplitAround(ulong start, ulong end, int pageShift)
    {
        var i = FindVma(start);
        if (i >= 0 && _vmas[i].Start < start)
        {
            SplitVma(i, start, pageShift);
        }

        i = FindVma(end);
        if (i >= 0 && _vmas[i].Start < end)
        {
            SplitVma(i, end, pageShift);
        }
    }

    /// <summary>The leaf table holding <paramref name="va"/>, or -1; creates it when asked (__pte_alloc).</summary>
    public int Leaf(ulong va, bool create)
    {
        var pmd = va >> (_pageShift + 9);
        var t = Leaves.Find(pmd);
        if (t < 0 && create)
        {
            t = _tables.Allocate();
            Leaves.Add(pmd, t);
        }

        return t;
    }

    /// <summary>The PTE slot for <paramref name="va"/> in leaf <paramref name="table"/>.</summary>
    public ref ulong Pte(int table, ulong va) => ref _tables.Entry(table, (int)((va >> _pageShift) & (LeafTables.Entries - 1)));

    /// <summary>Read a PTE (none when no leaf table exists).</summary>
    public ulong ReadPte(ulong va)
    {
        var t = Leaf(va, create: false);
        return t < 0 ? Model.Pte.None : Pte(t, va);
    }

    /// <summary>The leaf table whose PTE at <paramref name="va"/> maps <paramref name="frame"/> as a normal present page, or -1 (an rmap hit test).</summary>
    public int LeafMapping(ulong va, int frame)
    {
        var t = Leaf(va, create: false);
        if (t < 0)
        {
            return -1;
        }

        var pte = Pte(t, va);
        return Model.Pte.IsPresent(pte) && (pte & Model.Pte.Special) == 0 && Model.Pte.Frame(pte) == frame ? t : -1;
    }

    /// <summary>Make a buried mm new again (ids are reused).</summary>
    public void Reset()
    {
        VmaCount = 0;
        Leaves.Clear();
        CpuMask = 0;
        TlbGen = 1;
        TlbFlushPending = 0;
        HasPinned = false;
        Subscribers = 0;
        MmapLock = MmapLockState.Unlocked;
        Alive = true;
        Pid = 0;
    }

    /// <summary>Tear down: release every leaf table and forget the VMAs (exit_mmap after the zap).</summary>
    public void ReleaseAll(ref int[] scratch)
    {
        var n = Leaves.CopyTables(ref scratch);
        for (var i = 0; i < n; i++)
        {
            _tables.Release(scratch[i]);
        }

        Leaves.Clear();
        VmaCount = 0;
    }
}
