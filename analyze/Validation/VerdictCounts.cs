namespace MmReplay.Analyze.Validation;

/// <summary>How many comparisons of one kind ended each way.</summary>
public sealed class VerdictCounts
{
    public int Agree { get; private set; }

    public int Disagree { get; private set; }

    public int CannotTell { get; private set; }

    public int Decided => Agree + Disagree;

    /// <summary>Agreeing share of the decided comparisons, in percent (100 when none was decided).</summary>
    public double AgreementPercent => Decided == 0 ? 100 : 100.0 * Agree / Decided;

    internal void Count(Verdict v)
    {
        switch (v)
        {
            case Verdict.Agree:
                Agree++;
                break;
            case Verdict.Disagree:
                Disagree++;
                break;
            case Verdict.CannotTell:
                CannotTell++;
                break;
        }
    }

    internal void Add(VerdictCounts other)
    {
        Agree += other.Agree;
        Disagree += other.Disagree;
        CannotTell += other.CannotTell;
    }
}
