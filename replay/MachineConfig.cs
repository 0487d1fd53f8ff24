namespace MmReplay.Replay;

/// <summary>The hardware the model runs on.</summary>
public sealed record MachineConfig
{
    /// <summary>CPUs (at most 64: mm_cpumask is one ulong).</summary>
    public int Cpus { get; init; } = 2;

    public int PageSize { get; init; } = 4096;

    /// <summary>Direct-mapped TLB entries per CPU (power of two). Real x86 STLBs hold 1.5–2K; a conflict evicts, as hardware does.</summary>
    public int TlbEntries { get; init; } = 4096;

    /// <summary>x86 tlb_single_page_flush_ceiling: flushes of more strides become full flushes (TL-1).</summary>
    public int FlushCeiling { get; init; } = 33;

    /// <summary>fault_around_bytes (default 64 KiB since v3.15): read faults on file mappings also map cached neighbours; one page disables it.</summary>
    public int FaultAroundBytes { get; init; } = 65536;
}
