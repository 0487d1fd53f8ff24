using MmReplay.Replay;

namespace MmReplay.Oracle;

/// <summary>Boots the kernel once for all traces, then compares each trace's observations with the model's.</summary>
public static class OracleSession
{
    /// <param name="policy">The model's policy; null: the kernel's preset (<see cref="OraclePolicies.PresetFor"/>).</param>
    public static async Task<OracleReport> RunAsync(IReadOnlyList<OracleTrace> traces, OracleKernel kernel, KernelPolicy? policy = null,
        OracleRunOptions? options = null, OracleEnvironment? environment = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        OracleRunResult run = await OracleRunner.RunAsync(traces, kernel, options, environment, ct).ConfigureAwait(false);
        policy ??= KernelPolicy.Preset(OraclePolicies.PresetFor(kernel, run.KernelRelease));
        return new OracleReport(run, policy, Compare(traces, run, policy));
    }

    /// <summary>The rows of every trace of a finished run, in trace order.</summary>
    public static List<OracleRow> Compare(IReadOnlyList<OracleTrace> traces, OracleRunResult run, KernelPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(run);
        var rows = new List<OracleRow>();
        for (int i = 0; i < traces.Count; i++)
            rows.AddRange(OracleComparer.Compare(traces[i].Name, traces[i].Events, run.Traces[i], policy, run.KernelRelease ?? "unknown", traces[i].Seed));
        return rows;
    }
}
