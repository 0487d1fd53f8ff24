namespace MmReplay.Analyze.Validation;

/// <summary>What a comparison is about; each op row can carry one of each.</summary>
public enum ComparisonKind
{
    /// <summary>A recorded fault's error code (P, W, I bits) against the code the model derives from its own PTE.</summary>
    FaultCode,
    /// <summary>Local flushes (reasons 2 and 3) of an op group: their page counts, as a multiset.</summary>
    LocalFlushes,
    /// <summary>Remote IPI sends (reason 4, page counts) and remote shootdowns (reasons 1 and 5) of an op group.</summary>
    RemoteFlushes,
}
