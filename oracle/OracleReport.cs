using MmReplay.Replay;

namespace MmReplay.Oracle;

/// <summary>One boot compared with the model: the run, the policy the model replayed under, and every row.</summary>
public sealed record OracleReport(OracleRunResult Run, KernelPolicy Policy, IReadOnlyList<OracleRow> Rows)
{
    public IReadOnlyList<OracleRow> Disagreements => Rows.Where(r => !r.Agree).ToList();

    /// <summary>Rows that compare an observation (everything but skipped ops).</summary>
    public int Observations => Rows.Count(r => r.Observation != "skipped");

    public int Agreements => Rows.Count(r => r.Agree && r.Observation != "skipped");
}
