using Xunit.Abstractions;
using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

/// <summary>
/// The oracle's acceptance test: on each Debian kernel, every observation of the hand traces, 20 random traces and
/// every executable scenario agrees with the model under the kernel's preset (one boot per kernel, shared).
/// </summary>
[Collection(OracleBoots.Collection)]
public sealed class ModelAgreementTests(ITestOutputHelper output)
{
    [KernelTheory]
    [InlineData("5.10")]
    [InlineData("6.1")]
    [InlineData("6.12")]
    public async Task Every_observation_agrees_with_the_model_under_the_kernels_preset(string series)
    {
        OracleBoots.Boot boot = await OracleBoots.Get(series);
        OracleReport report = boot.Report;
        Assert.True(boot.Traces.Count >= OracleBoots.RandomTraces + 20, $"only {boot.Traces.Count} traces ran");
        Assert.True(report.Observations > 1000, $"only {report.Observations} observations compared");
        IReadOnlyList<OracleRow> disagreements = report.Disagreements;
        output.WriteLine($"linux-{series} ({report.Run.KernelRelease}) vs {report.Policy.Name}: {boot.Traces.Count} traces, " +
            $"{report.Observations} observations, {report.Agreements} agree, {report.Rows.Count - report.Observations} ops skipped, boot {report.Run.Elapsed.TotalSeconds:F0} s");
        Assert.True(disagreements.Count == 0,
            $"linux-{series} ({report.Run.KernelRelease}) vs {report.Policy.Name}: {disagreements.Count} of {report.Observations} observations disagree:\n" +
            string.Join('\n', disagreements.Take(60)));
    }
}
