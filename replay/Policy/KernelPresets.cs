namespace MmReplay.Replay.Policy;

/// <summary>
/// Named kernel versions. Each mainline preset derives from the previous one and changes only the knobs whose
/// commit landed in that release, so the list reads as a changelog. Distribution presets start from their
/// mainline base and add the stable backports they are known to carry.
/// </summary>
internal static class KernelPresets
{
    private static readonly (string Name, KernelPolicy Policy)[] All = Build();

    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(All, p => p.Name);

    public static KernelPolicy Get(string name)
    {
        foreach (var (n, p) in All)
        {
            if (string.Equals(n, name, StringComparison.OrdinalIgnoreCase))
            {
                return p;
            }
        }

        throw new ArgumentException($"unknown policy preset '{name}' (known: {string.Join(", ", Names)})", nameof(name));
    }

    private static (string, KernelPolicy)[] Build()
    {
        var list = new List<(string, KernelPolicy)>();
        void Add(string name, KernelPolicy p) => list.Add((name, p with { Name = name }));

        var v3_17 = new KernelPolicy
        {
            Name = "linux-3.17",
            ClearRefsEra = ClearRefsEra.A,
            SoftDirtyWritenotify = false,
            MprotectSoftDirtyCheck = MprotectSoftDirtyCheck.None,
            MprotectAnonUpgrade = false,
            MprotectFlush = MprotectFlush.WholeRange,
            CowReuse = CowReuseRule.Mapcount,
            ForkPinned = ForkPinnedRule.Share,
            SoftDirtyMerge = SoftDirtyMerge.Survivor,
            ClearRefsFlushRegression = false,
            ClearRefsSkipPinned = false,
            PagemapExclusiveBit = false,
            Notifier = NotifierStrategy.Double,
            GupProtnone = GupProtnone.FollNuma,
            PerVmaLockFaults = false,
            CpumaskTrim = CpumaskTrim.OnSwitch,
            LongtermSharedFileRefused = false,
        };
        Add("linux-3.17", v3_17);
        // 64e455079e1b: write lock + vma_set_page_prot, writenotify for soft-dirty, and the inverted mprotect test.
        var v3_18 = v3_17 with { ClearRefsEra = ClearRefsEra.B, SoftDirtyWritenotify = true, MprotectSoftDirtyCheck = MprotectSoftDirtyCheck.Inverted };
        Add("linux-3.18", v3_18);
        var v4_14 = v3_18 with { PagemapExclusiveBit = true };
        Add("linux-4.14", v4_14);
        var v4_15 = v4_14 with { Notifier = NotifierStrategy.OnlyEnd };
        Add("linux-4.15", v4_15);
        // 0758cd830494 made tlb_finish_mmu skip the flush clear_refs relied on [M: window 5.5-5.10].
        var v5_8 = v4_15 with { ClearRefsFlushRegression = true };
        Add("linux-5.8", v5_8);
        var v5_9 = v5_8 with { CowReuse = CowReuseRule.Refcount, ForkPinned = ForkPinnedRule.Copy };
        Add("linux-5.9", v5_9);
        Add("linux-5.10", v5_9);
        var v5_11 = v5_9 with { ClearRefsEra = ClearRefsEra.C, ClearRefsFlushRegression = false, ClearRefsSkipPinned = true };
        Add("linux-5.11", v5_11);
        Add("linux-5.18", v5_11);
        var v5_19 = v5_11 with { CowReuse = CowReuseRule.AnonExclusive };
        Add("linux-5.19", v5_19);
        var v6_0 = v5_19 with { MprotectSoftDirtyCheck = MprotectSoftDirtyCheck.Fixed, MprotectAnonUpgrade = true, MprotectFlush = MprotectFlush.Changed };
        Add("linux-6.0", v6_0);
        var v6_1 = v6_0 with { GupProtnone = GupProtnone.FollForce };
        Add("linux-6.1", v6_1);
        var v6_4 = v6_1 with { PerVmaLockFaults = true };
        Add("linux-6.4", v6_4);
        var v6_5 = v6_4 with { GupProtnone = GupProtnone.HonorNumaFault, LongtermSharedFileRefused = true };
        Add("linux-6.5", v6_5);
        var v6_6 = v6_5 with { Notifier = NotifierStrategy.TlbHook, SecondaryRangeWidened = true };
        Add("linux-6.6", v6_6);
        Add("linux-6.12", v6_6);
        // 209954cbc7d0 + 6db2526c1d69 + 2815a56e4b72 reached mainline together for v6.14 [V: one revlist; release M].
        var v6_14 = v6_6 with { CpumaskTrim = CpumaskTrim.Lazy };
        Add("linux-6.14", v6_14);
        // 4a02ed8e1cc3 moved the ceiling test into get_flush_tlb_info: the secondary TLB gets the requested range
        // [V: the 2025 "regression after 4a02ed8e1cc3" thread; release M].
        var v6_15 = v6_14 with { SecondaryRangeWidened = false };
        Add("linux-6.15", v6_15);
        Add("linux-6.18", v6_15);
        var v6_19 = v6_15 with { SoftDirtyMerge = SoftDirtyMerge.Sticky };
        Add("linux-6.19", v6_19);
        Add("latest", v6_19);

        // Debian 5.10.223 (linux-image-5.10.0-32-amd64), knob by knob from its changelog.Debian.gz:
        //  ClearRefsSkipPinned: "mm: don't play games with pinned pages in clear_page_refs" (9348b73c2e1b) is listed,
        //    and the oracle observed it (a pinned page keeps bit 55 and its write bit across clear_refs 4).
        //  ClearRefsFlushRegression off: "mm: proc: Invalidate TLB after clearing soft-dirty page state" is listed.
        //  ClearRefsEra stays B: "mm: fix clear_refs_write locking" is listed, but era C is the v5.11 mmap_read_lock
        //    rework, whose observable effects (no VMA flag writes under the read lock) the oracle cannot see.
        //  Everything else as linux-5.10; the oracle agrees on 20 random traces + 32 executable scenarios (5050 observations).
        Add("debian-5.10.223", v5_9 with { ClearRefsSkipPinned = true, ClearRefsFlushRegression = false });
        // Debian 6.1.192: d74943a2f3cd (FOLL_HONOR_NUMA_FAULT) is in 6.1.y stable [V: cherry-pick mail; not in the
        // changelog, which lists stable releases by number only]. The oracle cannot force NUMA hints, so it neither
        // confirms nor refutes this knob; all other knobs are linux-6.1's and agree with the oracle.
        Add("debian-6.1", v6_1 with { GupProtnone = GupProtnone.HonorNumaFault });
        // Debian 6.12.107: linux-6.12 unchanged (no mainline knob changed between v6.6 and v6.12; oracle agrees).
        Add("debian-6.12", v6_6);
        return [.. list];
    }
}
