namespace MmReplay.Replay.Policy;

/// <summary>When a write fault on a private anon page reuses it instead of copying (FK-5).</summary>
public enum CowReuseRule : byte
{
    /// <summary>&lt;v5.9: reuse iff mapped once (reuse_swap_page), pins ignored.</summary>
    Mapcount,
    /// <summary>v5.9–v5.18 (09854ba94c6a): reuse iff refcount == 1.</summary>
    Refcount,
    /// <summary>v5.19+ (6c287605fd56): reuse iff PageAnonExclusive, else iff refcount == 1 (then mark exclusive).</summary>
    AnonExclusive,
}
