using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tables;

/// <summary>Closed vocabularies of dictionary columns, indexed so an enum value maps to its index without lookups.</summary>
public static class Vocabulary
{
    /// <summary>Op names of trace format v1; index = (int)OpCode - 1.</summary>
    public static IReadOnlyList<string> Ops { get; } = BuildOps();

    /// <summary>x86 tlb:tlb_flush reason strings (kernel-semantics 7.2, as 6.1 prints them); index = reason code.</summary>
    public static IReadOnlyList<string> FlushReasons { get; } =
        ["flush on task switch", "remote shootdown", "local shootdown", "local mm shootdown", "remote ipi send", "remote wrong CPU"];

    /// <summary>index = (int)FlushScope - 1.</summary>
    public static IReadOnlyList<string> FlushScopes { get; } = ["page", "range", "full"];

    /// <summary>How a fault was resolved, as the scenario .expect files name them; index = (int)FaultResolution - 1.</summary>
    public static IReadOnlyList<string> FaultResolutions { get; } =
        ["zero-page", "new-page", "cow-copy", "reuse", "write-notify", "numa-hint", "swap-in", "file-map", "unshare", "soft-dirty-only", "uffd-wp", "segv", "spurious"];

    /// <summary>Access kind of an x86 page-fault error code; index = (int)FaultAccess.</summary>
    public static IReadOnlyList<string> FaultAccesses { get; } = ["read", "write", "exec"];

    /// <summary>index = (int)ObservationKind - 1.</summary>
    public static IReadOnlyList<string> ObservationKinds { get; } = ["value", "pagemap", "written", "clean_bit"];

    /// <summary>Dirty-tracking interfaces; index = (int)DirtyInterface.</summary>
    public static IReadOnlyList<string> DirtyInterfaces { get; } = ["soft_dirty", "pagemap_scan", "clean_range"];

    /// <summary>Why a page was misreported; index = (int)DirtyCause (docs/schemas.md explains each).</summary>
    public static IReadOnlyList<string> DirtyCauses { get; } =
    [
        "none", "mprotect_dirty_accountable", "writenotify_race", "vma_merge", "stale_tlb_no_flush", "stale_dirty_tlb",
        "pinned_pte_skip", "fresh_vma", "vm_softdirty", "huge_page", "mremap_move", "unknown",
    ];

    /// <summary>The kernel-semantics rule behind each cause; index = (int)DirtyCause.</summary>
    public static IReadOnlyList<string> DirtyCauseRules { get; } =
        ["", "WN-3", "SD-18", "SD-7", "SD-17", "DH-5", "SD-16", "SD-6", "SD-6", "SD-13", "SD-4", ""];

    public static int Op(OpCode op) => (int)op - 1;

    public static int Resolution(byte resolution) => resolution - (int)FaultResolution.ZeroPage;

    public static int Observation(byte kind) => kind - (int)ObservationKind.Value;

    public static int Scope(byte scope) => scope - (int)FlushScope.Page;

    private static string[] BuildOps()
    {
        var all = OpTable.All;
        var names = new string[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            names[i] = all[i].Name;
        }

        return names;
    }
}
