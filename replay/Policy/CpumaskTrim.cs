namespace MmReplay.Replay.Policy;

/// <summary>When x86 takes a CPU out of an mm's mm_cpumask (who receives flush IPIs, TL-2).</summary>
public enum CpumaskTrim : byte
{
    /// <summary>&lt;=v6.13: switch_mm_irqs_off clears the previous mm's bit, so its later flushes skip this CPU.</summary>
    OnSwitch,
    /// <summary>
    /// v6.14+ (209954cbc7d0 "x86/mm/tlb: Update mm_cpumask lazily", 6db2526c1d69 "Only trim the mm_cpumask once
    /// a second", 2815a56e4b72 tracepoint): the bit stays; IPIs go only to CPUs running the mm, except a trimming
    /// flush (at most once a second per mm) whose stale CPUs log "remote wrong CPU" (reason 5, pages 0) and clear it.
    /// </summary>
    Lazy,
}
