namespace MmReplay.Arrow;

/// <summary>Timestamp resolution; the numeric values are the ones Arrow's metadata stores.</summary>
public enum ArrowTimeUnit : short
{
    Second = 0,
    Millisecond = 1,
    Microsecond = 2,
    Nanosecond = 3,
}
