using MmReplay.Replay.Policy;

namespace MmReplay.Replay;

/// <summary>
/// The kernel behaviour the model replays: one knob per behaviour that changed in a named commit
/// (see <see cref="Knobs"/> for each knob's name and commit). Presets name kernel versions; <see cref="With"/>
/// overrides one knob by its name, as <c>--set knob=value</c> does.
/// </summary>
public sealed record KernelPolicy
{
    public required string Name { get; init; }

    /// <summary>CONFIG_MEM_SOFT_DIRTY (v3.11+). Off: pagemap bit 55 is always 0 and clear_refs 4 does nothing.</summary>
    public bool SoftDirty { get; init; } = true;

    public ClearRefsEra ClearRefsEra { get; init; } = ClearRefsEra.C;

    /// <summary>vma_wants_writenotify() wants write faults while soft-dirty tracking is on (v3.18, 64e455079e1b, WN-2).</summary>
    public bool SoftDirtyWritenotify { get; init; } = true;

    public MprotectSoftDirtyCheck MprotectSoftDirtyCheck { get; init; } = MprotectSoftDirtyCheck.Fixed;

    /// <summary>mprotect may map exclusive private anon pages writable without a fault (v6.0, 64fe24a3e05e, WN-4).</summary>
    public bool MprotectAnonUpgrade { get; init; } = true;

    public MprotectFlush MprotectFlush { get; init; } = MprotectFlush.Changed;

    public CowReuseRule CowReuse { get; init; } = CowReuseRule.AnonExclusive;

    public ForkPinnedRule ForkPinned { get; init; } = ForkPinnedRule.Copy;

    public SoftDirtyMerge SoftDirtyMerge { get; init; } = SoftDirtyMerge.Sticky;

    /// <summary>clear_refs issues no TLB flush because tlb_finish_mmu found nothing batched (0758cd830494 until the v5.11 fix, 1.6).</summary>
    public bool ClearRefsFlushRegression { get; init; }

    /// <summary>clear_refs 4 skips writable pinned PTEs in COW mappings (v5.11, 9348b73c2e1b, SD-16).</summary>
    public bool ClearRefsSkipPinned { get; init; } = true;

    public ArchDirtyModel ArchDirty { get; init; } = ArchDirtyModel.X86Atomic;

    /// <summary>pagemap reports VM_SOFTDIRTY for holes inside a VMA (68b5a652, SD-11).</summary>
    public bool PagemapHoleSoftDirty { get; init; } = true;

    /// <summary>pagemap bit 56 "exclusively mapped" exists (v4.2).</summary>
    public bool PagemapExclusiveBit { get; init; } = true;

    /// <summary>Part 2: secondary-TLB invalidation strategy.</summary>
    public NotifierStrategy Notifier { get; init; } = NotifierStrategy.TlbHook;

    public CpumaskTrim CpumaskTrim { get; init; } = CpumaskTrim.Lazy;

    /// <summary>FOLL_LONGTERM write pins of shared file mappings that need dirty tracking are refused (v6.5, 8ac268436e6d / a6e79df92e4a; 4.1).</summary>
    public bool LongtermSharedFileRefused { get; init; } = true;

    /// <summary>
    /// x86 flush_tlb_mm_range hands arch_invalidate_secondary_tlbs the range widened past the flush ceiling (v6.6
    /// to v6.14); from 4a02ed8e1cc3 ("consolidate full flush threshold decision", v6.15 [M]) the requested range.
    /// </summary>
    public bool SecondaryRangeWidened { get; init; }

    /// <summary>Part 2: GUP and NUMA-hint protnone.</summary>
    public GupProtnone GupProtnone { get; init; } = GupProtnone.HonorNumaFault;

    /// <summary>Page faults may run under a per-VMA lock, excluded from clear_refs by the VMA write lock (v6.4, era C', SD-18). Used by the interleaving explorer.</summary>
    public bool PerVmaLockFaults { get; init; } = true;

    /// <summary>Every knob with its current value and the commit that introduced the behaviour.</summary>
    public IReadOnlyList<PolicyKnob> Knobs => PolicyKnobs.Describe(this);

    /// <summary>The preset names, oldest kernel first.</summary>
    public static IReadOnlyList<string> PresetNames => KernelPresets.Names;

    /// <summary>A named preset (e.g. <c>linux-5.10</c>, <c>debian-5.10.223</c>, <c>latest</c>).</summary>
    /// <exception cref="ArgumentException">Unknown preset; the message lists the known ones.</exception>
    public static KernelPolicy Preset(string name) => KernelPresets.Get(name);

    /// <summary>This policy with one knob overridden; the name gains <c>+knob=value</c>.</summary>
    /// <exception cref="ArgumentException">Unknown knob or value; the message lists what is accepted.</exception>
    public KernelPolicy With(string knob, string value) => PolicyKnobs.Set(this, knob, value) with { Name = $"{Name}+{knob}={value}" };

    /// <summary>Parse <c>knob=value</c> (a <c>--set</c> argument) and apply it.</summary>
    public KernelPolicy With(string assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var eq = assignment.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException($"expected knob=value, got '{assignment}'", nameof(assignment));
        }

        return With(assignment[..eq].Trim(), assignment[(eq + 1)..].Trim());
    }
}
