namespace MmReplay.Replay.Policy;

/// <summary>The knob table: names, accepted values, commits and accessors. Not a hot path.</summary>
internal static class PolicyKnobs
{
    private sealed record Spec(
        string Name, string Values, string Commit, string Meaning,
        Func<KernelPolicy, string> Get, Func<KernelPolicy, string, KernelPolicy?> Set);

    private static readonly Spec[] Table =
    [
        Bool("soft-dirty", "CONFIG_MEM_SOFT_DIRTY, v3.11 (0f8975ec4db2)", "soft-dirty tracking built in",
            p => p.SoftDirty, (p, v) => p with { SoftDirty = v }),
        Enum<ClearRefsEra>("clear-refs-era", "A v3.11; B v3.18 (64e455079e1b); C v5.11 (29a951dfb3c3)", "clear_refs 4 locking and flush order (1.6)",
            p => p.ClearRefsEra, (p, v) => p with { ClearRefsEra = v }),
        Bool("softdirty-writenotify", "v3.18 (64e455079e1b)", "writenotify while soft-dirty tracking is on (WN-2)",
            p => p.SoftDirtyWritenotify, (p, v) => p with { SoftDirtyWritenotify = v }),
        Enum<MprotectSoftDirtyCheck>("mprotect-softdirty-check", "none <v3.18; inverted v3.18 (64e455079e1b); fixed v6.0 (76aefad628aa)", "mprotect's test before upgrading a dirty PTE to writable (WN-3)",
            p => p.MprotectSoftDirtyCheck, (p, v) => p with { MprotectSoftDirtyCheck = v }),
        Bool("mprotect-anon-upgrade", "v6.0 (64fe24a3e05e)", "mprotect maps exclusive anon pages writable (WN-4)",
            p => p.MprotectAnonUpgrade, (p, v) => p with { MprotectAnonUpgrade = v }),
        Enum<MprotectFlush>("mprotect-flush", "whole-range <v6.0 (per VMA, if any present PTE); changed v6.0 (4a18419f71cd mm/mprotect: use mmu_gather)", "TLB flush after mprotect",
            p => p.MprotectFlush, (p, v) => p with { MprotectFlush = v }),
        Enum<CowReuseRule>("cow-reuse", "mapcount <v5.9; refcount v5.9 (09854ba94c6a); anon-exclusive v5.19 (6c287605fd56)", "write-fault reuse rule (FK-5)",
            p => p.CowReuse, (p, v) => p with { CowReuse = v }),
        Enum<ForkPinnedRule>("fork-pinned", "share <v5.9; copy v5.9 (70e806e4e645)", "fork of possibly pinned anon pages (FK-2)",
            p => p.ForkPinned, (p, v) => p with { ForkPinned = v }),
        Enum<SoftDirtyMerge>("softdirty-merge", "survivor v3.13; sticky v6.19 (bf14d4a05387)", "VM_SOFTDIRTY after an mprotect/mremap merge (SD-7)",
            p => p.SoftDirtyMerge, (p, v) => p with { SoftDirtyMerge = v }),
        Bool("clear-refs-flush-regression", "0758cd830494 (v5.5 [M]) until Deacon's fix (v5.11 [M])", "clear_refs issues no TLB flush (1.6 era B)",
            p => p.ClearRefsFlushRegression, (p, v) => p with { ClearRefsFlushRegression = v }),
        Bool("clear-refs-skip-pinned", "v5.11 (9348b73c2e1b)", "clear_refs 4 skips pinned PTEs (SD-16)",
            p => p.ClearRefsSkipPinned, (p, v) => p with { ClearRefsSkipPinned = v }),
        Enum<ArchDirtyModel>("arch-dirty", "x86-atomic (x86 hardware); stale-dirty-survives-flush (ablation)", "CPU dirty-bit coherence (DH-5)",
            p => p.ArchDirty, (p, v) => p with { ArchDirty = v }),
        Bool("pagemap-hole-softdirty", "68b5a652 (v3.17/3.18 [M])", "pagemap reports VM_SOFTDIRTY in holes (SD-11)",
            p => p.PagemapHoleSoftDirty, (p, v) => p with { PagemapHoleSoftDirty = v }),
        Bool("pagemap-exclusive", "v4.2 (77bb499bb60f [M])", "pagemap bit 56 exclusively mapped",
            p => p.PagemapExclusiveBit, (p, v) => p with { PagemapExclusiveBit = v }),
        Enum<NotifierStrategy>("notifier", "double <=v4.14; only-end v4.15 (4645b9fe84bf); tlb-hook v6.6 (1af5a8109904); none (ablation: no invalidate_range)", "secondary TLB invalidation (part 2, MN-0)",
            p => p.Notifier, (p, v) => p with { Notifier = v }),
        Enum<CpumaskTrim>("cpumask-trim", "on-switch <=v6.13; lazy v6.14 (209954cbc7d0, 6db2526c1d69, 2815a56e4b72)", "when a CPU leaves mm_cpumask (TL-2)",
            p => p.CpumaskTrim, (p, v) => p with { CpumaskTrim = v }),
        Bool("secondary-range-widened", "v6.6 (1af5a8109904) until 4a02ed8e1cc3 (v6.15 [M])", "x86 passes the widened flush range to arch_invalidate_secondary_tlbs (MN-0)",
            p => p.SecondaryRangeWidened, (p, v) => p with { SecondaryRangeWidened = v }),
        Bool("longterm-file-refused", "v6.5 (8ac268436e6d, a6e79df92e4a)", "FOLL_LONGTERM|FOLL_WRITE pins of dirty-tracked shared file mappings fail (4.1)",
            p => p.LongtermSharedFileRefused, (p, v) => p with { LongtermSharedFileRefused = v }),
        Enum<GupProtnone>("gup-protnone", "foll-numa v3.8 (0b9d705297b2); foll-force v6.1 (474098edac26); honor-numa-fault v6.5 (d74943a2f3cd)", "GUP on NUMA-hint protnone (part 2, NU-2)",
            p => p.GupProtnone, (p, v) => p with { GupProtnone = v }),
        Bool("per-vma-lock", "v6.4 [M]", "faults under per-VMA locks (era C', interleaving explorer)",
            p => p.PerVmaLockFaults, (p, v) => p with { PerVmaLockFaults = v }),
    ];

    public static IReadOnlyList<PolicyKnob> Describe(KernelPolicy policy)
    {
        var knobs = new PolicyKnob[Table.Length];
        for (var i = 0; i < Table.Length; i++)
        {
            var s = Table[i];
            knobs[i] = new PolicyKnob(s.Name, s.Get(policy), s.Values, s.Commit, s.Meaning);
        }

        return knobs;
    }

    public static KernelPolicy Set(KernelPolicy policy, string knob, string value)
    {
        foreach (var s in Table)
        {
            if (string.Equals(s.Name, knob, StringComparison.OrdinalIgnoreCase))
            {
                return s.Set(policy, value.Trim().ToLowerInvariant())
                    ?? throw new ArgumentException($"knob '{s.Name}' does not accept '{value}' (accepted: {s.Values})", nameof(value));
            }
        }

        throw new ArgumentException($"unknown knob '{knob}' (known: {string.Join(", ", Array.ConvertAll(Table, s => s.Name))})", nameof(knob));
    }

    private static Spec Bool(string name, string commit, string meaning, Func<KernelPolicy, bool> get, Func<KernelPolicy, bool, KernelPolicy> set) =>
        new(name, "true|false", commit, meaning, p => get(p) ? "true" : "false", (p, v) => v switch
        {
            "true" or "on" or "1" or "yes" => set(p, true),
            "false" or "off" or "0" or "no" => set(p, false),
            _ => null,
        });

    private static Spec Enum<T>(string name, string commit, string meaning, Func<KernelPolicy, T> get, Func<KernelPolicy, T, KernelPolicy> set)
        where T : struct, System.Enum
    {
        var names = System.Enum.GetNames<T>();
        var values = string.Join('|', Array.ConvertAll(names, Kebab));
        return new(name, values, commit, meaning, p => Kebab(get(p).ToString()), (p, v) =>
        {
            foreach (var n in names)
            {
                if (Kebab(n) == v)
                {
                    return set(p, System.Enum.Parse<T>(n));
                }
            }

            return null;
        });
    }

    /// <summary>PascalCase enum names as the kebab-case words users type: AnonExclusive -> anon-exclusive, A -> a.</summary>
    private static string Kebab(string pascal)
    {
        var sb = new System.Text.StringBuilder(pascal.Length + 4);
        for (var i = 0; i < pascal.Length; i++)
        {
            var c = pascal[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('-');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }
}
