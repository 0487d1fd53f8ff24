using System.Globalization;
using MmReplay.Analyze.Runs;
using Spectre.Console;

namespace MmReplay.Cli;

/// <summary>
/// The compact terminal summary after a replay or batch: one row per metric, one column per policy (metrics
/// are summed over traces; precision and recall are averaged over the traces that define them).
/// </summary>
public static class Summary
{
    public static void Print(string outputDirectory, IReadOnlyList<ReplayRunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var policies = new List<string>();
        var metrics = new List<string>();
        var totals = new Dictionary<(string Policy, string Metric), (double Sum, int Count)>();
        var traces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var result in results)
        {
            var policy = result.Manifest.Policy;
            traces.Add(result.Manifest.Trace.Name);
            if (!policies.Contains(policy))
            {
                policies.Add(policy);
            }

            foreach (var metric in result.Metrics)
            {
                if (!metrics.Contains(metric.Name))
                {
                    metrics.Add(metric.Name);
                }

                totals.TryGetValue((policy, metric.Name), out var t);
                totals[(policy, metric.Name)] = (t.Sum + metric.Value, t.Count + 1);
            }
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn(traces.Count == 1 ? Markup.Escape(results.Count > 0 ? results[0].Manifest.Trace.Name : "") : $"{traces.Count} traces");
        foreach (var policy in policies)
        {
            table.AddColumn(new TableColumn(Markup.Escape(policy)).RightAligned());
        }

        foreach (var metric in metrics)
        {
            var averaged = metric.EndsWith("precision", StringComparison.Ordinal) || metric.EndsWith("recall", StringComparison.Ordinal);
            var cells = new List<string> { Markup.Escape(averaged && traces.Count > 1 ? metric + " (mean)" : metric) };
            foreach (var policy in policies)
            {
                cells.Add(totals.TryGetValue((policy, metric), out var t) ? Format(averaged ? t.Sum / t.Count : t.Sum) : "");
            }

            table.AddRow(cells.ToArray());
        }

        var console = Terminal.Stdout();
        console.Write(table);
        console.WriteLine($"tables in {outputDirectory}");
    }

    private static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);
}
