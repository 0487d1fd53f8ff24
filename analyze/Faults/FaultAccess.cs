namespace MmReplay.Analyze.Faults;

/// <summary>The access an x86 page-fault error code describes (index into Vocabulary.FaultAccesses).</summary>
public enum FaultAccess : byte
{
    Read = 0,
    Write = 1,
    Exec = 2,
}
