namespace MmReplay.Replay.Policy;

/// <summary>Whether GUP follows NUMA-hint protnone PTEs (NU-2). Consumed by part 2.</summary>
public enum GupProtnone : byte
{
    /// <summary>v3.8–v6.0 (0b9d705297b2): FOLL_NUMA unless FOLL_FORCE.</summary>
    FollNuma,
    /// <summary>v6.1–v6.4 (474098edac26): follow iff FOLL_FORCE.</summary>
    FollForce,
    /// <summary>v6.5+ (d74943a2f3cd): FOLL_HONOR_NUMA_FAULT for external users.</summary>
    HonorNumaFault,
}
