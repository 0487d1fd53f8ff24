namespace MmReplay.Analyze.Validation;

/// <summary>The outcome of one model-vs-kernel comparison.</summary>
public enum Verdict : byte
{
    /// <summary>Nothing to compare on this row (not a fault; a fault whose flushes are compared on its syscall's row).</summary>
    NotCompared = 0,
    Agree,
    Disagree,
    /// <summary>The recording does not hold what would decide it (CPU residency, a mapping made before tracing).</summary>
    CannotTell,
}
