using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Notifications;

/// <summary>Tables of the notifications analyzer (documented in docs/schemas.md).</summary>
public static class NotificationSchemas
{
    public static IReadOnlyList<string> Calls { get; } =
        ["invalidate_range_start", "invalidate_range_end", "invalidate_range", "arch_invalidate_secondary_tlbs"];

    public static IReadOnlyList<string> CallSites { get; } =
        ["unknown", "cow", "unmap", "clear_refs", "mprotect", "migrate", "ksm", "fork", "madvise", "mremap", "dirty_helper", "numa_hint", "swap_out", "writeback", "exit", "uffd_wp", "fault"];

    public static IReadOnlyList<string> DeviceKinds { get; } = ["kvm", "iommu", "ats", "unknown"];

    public static TableSchema Events { get; } = new(
        "notifications",
        "one mmu_notifier callback invoked on one subscriber",
        [
            new("line", ArrowType.Int64, "source line of the trace event whose op made the call"),
            new("op", ArrowType.DictionaryUtf8, "op that made the call") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process whose mm changed"),
            new("device", ArrowType.Utf8, "subscriber (dev= name of dev_attach)"),
            new("device_kind", ArrowType.DictionaryUtf8, "kvm (own page table, start/end), iommu or ats (share the CPU page table)") { Values = DeviceKinds },
            new("call", ArrowType.DictionaryUtf8, "callback (MN-0: which ones an era makes)") { Values = Calls },
            new("call_site", ArrowType.DictionaryUtf8, "kernel site that raised it") { Values = CallSites },
            new("start", ArrowType.UInt64, "range start"),
            new("end", ArrowType.UInt64, "range end, exclusive (2^64-1: the whole address space)"),
            new("pages", ArrowType.Int64, "pages in the range; -1 for the whole address space"),
            new("invalidates", ArrowType.Bool, "the callback drops secondary translations (every call but invalidate_range_end)"),
            new("redundant", ArrowType.Bool, "an invalidation of a range whose PTEs did not lose access since this subscriber last invalidated them (MN-6)"),
            new("cost_us", ArrowType.Float64, "modelled cost of the call (docs/costs.md)"),
        ]);

    public static TableSchema Summary { get; } = new(
        "notification_summary",
        "all notifier calls of the run",
        [
            new("calls", ArrowType.Int64, "callbacks invoked"),
            new("invalidations", ArrowType.Int64, "callbacks that invalidate"),
            new("redundant", ArrowType.Int64, "invalidations found redundant"),
            new("cost_us", ArrowType.Float64, "modelled cost of all calls"),
            new("redundant_cost_us", ArrowType.Float64, "modelled cost of the redundant ones"),
        ]);
}
