using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Validation;

/// <summary>
/// One replayed op and what the model predicted for it next to what the kernel recorded. Flush columns live on the
/// head row of an op group (a syscall with the kernel faults inside its window, or a fault on its own).
/// </summary>
public sealed class OpAgreement
{
    internal OpAgreement(in TraceEvent e, FlushGroup group)
    {
        Event = e;
        Group = group;
    }

    /// <summary>The op as recorded (a fault keeps its recorded error code here).</summary>
    public TraceEvent Event { get; }

    public long Line => Event.Line;

    public OpCode Op => Event.Op;

    internal FlushGroup Group { get; }

    /// <summary>Line of the group's head op (this row's own line when it heads its group).</summary>
    public long GroupLine => Group.Head?.Line ?? Line;

    public bool IsGroupHead => ReferenceEquals(Group.Head, this);

    /// <summary>The model's fault error code (-1 when the op took no fault in the model).</summary>
    public long PredictedErrorCode { get; internal set; } = -1;

    /// <summary>How the model resolved the fault (0 when none).</summary>
    public FaultResolution PredictedResolution { get; internal set; }

    public Verdict Fault { get; internal set; }

    public Verdict Local { get; internal set; }

    public Verdict Remote { get; internal set; }

    /// <summary>Why a verdict is not "agree" (empty when all agree).</summary>
    public string Note { get; internal set; } = "";

    public FlushTally? RecordedFlushes => IsGroupHead ? Group.Recorded : null;

    public FlushTally? PredictedFlushes => IsGroupHead ? Group.Predicted : null;

    /// <summary>Disagree if any comparison disagrees; else cannot tell if any cannot; else agree (or not compared).</summary>
    public Verdict Overall
    {
        get
        {
            var worst = Verdict.NotCompared;
            foreach (var v in (ReadOnlySpan<Verdict>)[Fault, Local, Remote])
            {
                if (v == Verdict.Disagree || (v == Verdict.CannotTell && worst != Verdict.Disagree) || (v == Verdict.Agree && worst == Verdict.NotCompared))
                {
                    worst = v;
                }
            }

            return worst;
        }
    }
}
