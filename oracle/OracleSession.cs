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
        OracleRunResult run;
        try
        {
            run = await OracleRunner.RunAsync(traces, kernel, options, environment, ct).ConfigureAwait(false);
        }
        catch (FormatException)
        {
            // A damaged line on the results port (the transport loss described below): boot once more, once.
            run = await OracleRunner.RunAsync(traces, kernel, options, environment, ct).ConfigureAwait(false);
        }
        run = await RerunUnfinishedAsync(traces, run, kernel, options, environment, ct).ConfigureAwait(false);
        policy ??= KernelPolicy.Preset(OraclePolicies.PresetFor(kernel, run.KernelRelease));
        return new OracleReport(run, policy, Compare(traces, run, policy));
    }

    /// <summary>
    /// Traces whose end marker never arrived are run once more in a second boot. On a heavily loaded host a run of
    /// bytes on the results serial port was seen to vanish (twice, in the 30-trace boots; never in a rerun), taking a
    /// trace's last observations and its end marker with it: a transport loss, not a kernel answer.
    /// </summary>
    private static async Task<OracleRunResult> RerunUnfinishedAsync(IReadOnlyList<OracleTrace> traces, OracleRunResult run, OracleKernel kernel,
        OracleRunOptions? options, OracleEnvironment? environment, CancellationToken ct)
    {
        var unfinished = new List<int>();
        for (int i = 0; i < run.Traces.Count; i++)
        {
            if (run.Traces[i].ExitStatus is null)
                unfinished.Add(i);
        }
        if (unfinished.Count == 0)
            return run;
        var again = new List<OracleTrace>(unfinished.Count);
        foreach (int i in unfinished)
            again.Add(traces[i]);
        OracleRunResult rerun = await OracleRunner.RunAsync(again, kernel, options is null ? null : options with { WorkDirectory = null }, environment, ct).ConfigureAwait(false);
        var results = new List<OracleTraceResult>(run.Traces);
        for (int k = 0; k < unfinished.Count; k++)
            results[unfinished[k]] = rerun.Traces[k];
        return run with { Traces = results, Elapsed = run.Elapsed + rerun.Elapsed };
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
