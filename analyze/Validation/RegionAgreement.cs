namespace MmReplay.Analyze.Validation;

/// <summary>
/// One mapping the trace recorded (an mmap op, or a brk growth) and, over the faults inside it (of its process and
/// of the children forked after it), the error codes the kernel recorded and the model derived, plus the local
/// flushes of the op groups headed inside it.
/// </summary>
public sealed class RegionAgreement
{
    internal RegionAgreement(long line, int pid, ulong start, ulong end)
    {
        Line = line;
        Pid = pid;
        Start = start;
        End = end;
    }

    /// <summary>Line of the mmap op that created the region.</summary>
    public long Line { get; }

    public int Pid { get; }

    public ulong Start { get; }

    public ulong End { get; }

    /// <summary>Recorded faults by error code.</summary>
    public SortedDictionary<uint, int> RecordedFaults { get; } = [];

    /// <summary>Model faults by the error code it derived (the user bit taken from the recording).</summary>
    public SortedDictionary<uint, int> PredictedFaults { get; } = [];

    public int RecordedLocalFlushes { get; internal set; }

    public int PredictedLocalFlushes { get; internal set; }

    public bool Agrees => RecordedLocalFlushes == PredictedLocalFlushes && RecordedFaults.SequenceEqual(PredictedFaults);

    public bool IsEmpty => RecordedFaults.Count == 0 && PredictedFaults.Count == 0 && RecordedLocalFlushes == 0 && PredictedLocalFlushes == 0;

    public bool Contains(ulong address) => address >= Start && address < End;
}
