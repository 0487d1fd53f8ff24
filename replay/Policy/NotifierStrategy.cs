namespace MmReplay.Replay.Policy;

/// <summary>How secondary TLBs are invalidated (section 3). Consumed by part 2 (secondary MMUs).</summary>
public enum NotifierStrategy : byte
{
    /// <summary>&lt;=v4.14: clear_flush_notify under the PTL and again at range_end.</summary>
    Double,
    /// <summary>v4.15–v6.5 (0f10851ea475, 4645b9fe84bf): range_only_end after a clear_flush_notify.</summary>
    OnlyEnd,
    /// <summary>v6.6+ (1af5a8109904): arch_invalidate_secondary_tlbs inside the CPU TLB flush.</summary>
    TlbHook,
    /// <summary>Ablation: devices sharing the CPU page table are never invalidated (a driver without invalidate_range); shows MN-1's hazards.</summary>
    None,
}
