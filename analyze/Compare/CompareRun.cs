using System.Globalization;
using System.Text;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Compare;

/// <summary>
/// `mmreplay compare`: per trace, each metric under each policy minus the baseline; across traces the mean
/// and median delta, a seeded percentile-bootstrap 95% interval of the mean delta, and a Wilcoxon
/// signed-rank p-value. Writes comparison.arrow, comparison_traces.arrow and optionally a Markdown report.
/// </summary>
public static class CompareRun
{
    public const double Level = 0.95;

    public static IReadOnlyList<ComparisonRow> Run(CompareOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var data = DatasetMetrics.Read(options.Dataset);
        if (!data.Policies.Contains(options.Baseline))
        {
            throw new ArgumentException($"baseline '{options.Baseline}' is not in {options.Dataset} (it has: {string.Join(", ", data.Policies)})");
        }

        var policies = new List<string>();
        foreach (var policy in options.Policies ?? Others(data.Policies, options.Baseline))
        {
            if (!data.Policies.Contains(policy))
            {
                throw new ArgumentException($"policy '{policy}' is not in {options.Dataset} (it has: {string.Join(", ", data.Policies)})");
            }

            policies.Add(policy);
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var rows = new List<ComparisonRow>();
        using (var perTrace = ArrowWriter.Create(Path.Combine(options.OutputDirectory, "comparison_traces.arrow"), ComparisonSchemas.PerTrace.ToArrow()))
        {
            foreach (var metric in data.Metrics)
            {
                foreach (var policy in policies)
                {
                    var baseValues = new List<double>();
                    var values = new List<double>();
                    var deltas = new List<double>();
                    foreach (var trace in data.Traces)
                    {
                        if (data.TryGet(options.Baseline, trace, metric, out var b) && data.TryGet(policy, trace, metric, out var v))
                        {
                            baseValues.Add(b);
                            values.Add(v);
                            deltas.Add(v - b);
                            AppendPerTrace(perTrace, trace, metric, policy, options.Baseline, data.Seed, b, v);
                        }
                    }

                    if (deltas.Count > 0)
                    {
                        rows.Add(Row(metric, policy, options.Baseline, baseValues, values, deltas, options));
                    }
                }
            }

            perTrace.Complete();
        }

        WriteSummary(Path.Combine(options.OutputDirectory, "comparison.arrow"), rows, options);
        if (options.ReportPath is not null)
        {
            AtomicFile.Write(options.ReportPath, stream => stream.Write(Encoding.UTF8.GetBytes(Report(rows, options, data.Traces.Count))));
        }

        return rows;
    }

    public static ComparisonRow Row(string metric, string policy, string baseline, IReadOnlyList<double> baseValues, IReadOnlyList<double> values, IReadOnlyList<double> deltas, CompareOptions options)
    {
        ArgumentNullException.ThrowIfNull(deltas);
        ArgumentNullException.ThrowIfNull(options);
        var (low, high) = PairedStatistics.BootstrapMeanInterval(deltas, options.Seed, options.Resamples, Level);
        var nonZero = 0;
        foreach (var d in deltas)
        {
            nonZero += d != 0 ? 1 : 0;
        }

        return new ComparisonRow(
            metric,
            policy,
            baseline,
            deltas.Count,
            PairedStatistics.Mean(baseValues),
            PairedStatistics.Mean(values),
            PairedStatistics.Mean(deltas),
            PairedStatistics.Median(deltas),
            low,
            high,
            PairedStatistics.WilcoxonSignedRankP(deltas),
            nonZero <= PairedStatistics.ExactWilcoxonLimit ? "wilcoxon signed-rank, exact" : "wilcoxon signed-rank, normal approximation");
    }

    private static List<string> Others(List<string> policies, string baseline)
    {
        var others = new List<string>();
        foreach (var policy in policies)
        {
            if (policy != baseline)
            {
                others.Add(policy);
            }
        }

        others.Sort(StringComparer.Ordinal);
        return others;
    }

    private static void AppendPerTrace(ArrowWriter w, string trace, string metric, string policy, string baseline, ulong seed, double b, double v)
    {
        w.Utf8(0).Append(trace);
        w.Utf8(1).Append(metric);
        w.Utf8(2).Append(policy);
        w.Utf8(3).Append(baseline);
        w.UInt64(4).Append(seed);
        w.Float64(5).Append(b);
        w.Float64(6).Append(v);
        w.Float64(7).Append(v - b);
        w.EndRow();
    }

    private static void WriteSummary(string path, List<ComparisonRow> rows, CompareOptions options)
    {
        using var w = ArrowWriter.Create(path, ComparisonSchemas.Summary.ToArrow());
        foreach (var row in rows)
        {
            w.Utf8(0).Append(row.Metric);
            w.Utf8(1).Append(row.Policy);
            w.Utf8(2).Append(row.Baseline);
            w.UInt64(3).Append(options.Seed);
            w.Int32(4).Append(row.Traces);
            w.Float64(5).Append(row.BaselineMean);
            w.Float64(6).Append(row.PolicyMean);
            w.Float64(7).Append(row.MeanDelta);
            w.Float64(8).Append(row.MedianDelta);
            w.Float64(9).Append(row.CiLow);
            w.Float64(10).Append(row.CiHigh);
            w.Float64(11).Append(Level);
            w.Int32(12).Append(options.Resamples);
            if (double.IsNaN(row.PValue))
            {
                w.Float64(13).AppendNull();
            }
            else
            {
                w.Float64(13).Append(row.PValue);
            }

            w.Utf8(14).Append(row.Test);
            w.EndRow();
        }

        w.Complete();
    }

    public static string Report(IReadOnlyList<ComparisonRow> rows, CompareOptions options, int traces)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(options);
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.Append(inv, $"# Policy comparison against `{options.Baseline}`\n\n");
        text.Append(inv, $"Dataset `{options.Dataset}`, {traces} trace(s). Deltas are policy minus baseline, per trace. ");
        text.Append(inv, $"The interval is a percentile bootstrap of the mean delta ({options.Resamples} resamples, seed {options.Seed}); ");
        text.Append("p is the two-sided Wilcoxon signed-rank test of the paired deltas.\n\n");
        text.Append("| metric | policy | traces | baseline mean | policy mean | mean delta | median delta | 95% CI | p |\n");
        text.Append("| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |\n");
        foreach (var r in rows)
        {
            text.Append(inv, $"| {r.Metric} | {r.Policy} | {r.Traces} | {F(r.BaselineMean)} | {F(r.PolicyMean)} | {F(r.MeanDelta)} | {F(r.MedianDelta)} | [{F(r.CiLow)}, {F(r.CiHigh)}] | {F(r.PValue)} |\n");
        }

        return text.ToString();
    }

    public static string F(double value) =>
        double.IsNaN(value) ? "n/a" : value.ToString(Math.Abs(value) >= 1000 || value == Math.Floor(value) ? "0.##" : "0.####", CultureInfo.InvariantCulture);
}
