using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>
/// Mappings and pins the guest never made because their op was skipped. An op that touches one of them is skipped
/// too, naming the line it depends on: otherwise the kernel would fail it for a reason the trace does not have.
/// </summary>
internal sealed class SkippedRanges
{
    private readonly List<Range> _ranges = [];

    /// <summary>Why <paramref name="e"/> cannot run: it touches a skipped mapping or pin of its pid; null if it can.</summary>
    public string? Reason(in TraceEvent e)
    {
        if (e.Op is OpCode.Fork or OpCode.Exit or OpCode.ClearRefs or OpCode.Mmap)
            return null;
        ulong start = e.Addr, end = e.Addr + Math.Max(e.Len, 1);
        bool usesPin = e.Op is OpCode.DmaRead or OpCode.DmaWrite or OpCode.Unpin;
        foreach (Range r in _ranges)
        {
            if (r.Pid == e.Pid && r.Start < end && start < r.End && (!r.Pin || usesPin))
                return $"its {(r.Pin ? "pin" : "mapping")} (line {r.Line}) was skipped";
        }
        return null;
    }

    public void Skipped(in TraceEvent e)
    {
        if (e.Op is OpCode.Mmap or OpCode.Pin)
            _ranges.Add(new Range(e.Pid, e.Addr, e.Addr + e.Len, e.Line, e.Op == OpCode.Pin));
    }

    /// <summary>An op the guest runs: a fork copies the skipped mappings (not pins), an mmap replaces what it covers.</summary>
    public void Ran(in TraceEvent e)
    {
        if (e.Op == OpCode.Fork)
        {
            for (int i = _ranges.Count - 1; i >= 0; i--)
            {
                if (_ranges[i].Pid == e.Pid && !_ranges[i].Pin)
                    _ranges.Add(_ranges[i] with { Pid = e.OtherPid });
            }
        }
        else if (e.Op == OpCode.Mmap)
        {
            ulong start = e.Addr, end = e.Addr + e.Len;
            int pid = e.Pid;
            _ranges.RemoveAll(r => r.Pid == pid && !r.Pin && r.Start < end && start < r.End);
        }
    }

    private readonly record struct Range(int Pid, ulong Start, ulong End, long Line, bool Pin);
}
