namespace MmReplay.Analyze.Dirty;

/// <summary>How the latest read of a page in an interval compares with the ground truth.</summary>
internal enum DirtyClass : byte
{
    Unread = 0,
    TruePositive,
    FalsePositive,
    FalseNegative,
    TrueNegative,
}
