using System.Globalization;
using MmReplay.Analyze.Runs;
using Spectre.Console;

namespace MmReplay.Cli;

/// <summary>The compact terminal summary printed after a replay: one row per run, one column per metric.</summary>
public static class Summary
{
    public static void Print(string outputDirectory, IReadOnlyList<ReplayRunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var names = new List<string>();
        foreach (var result in results)
        {
            foreach (var metric in result.Metrics)
            {
                if (!names.Contains(metric.Name))
                {
                    names.Add(metric.Name);
                }
            }
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumn("trace");
        table.AddColumn("policy");
        foreach (var name in names)
        {
            table.AddColumn(new TableColumn(name).RightAligned());
        }

        foreach (var result in results)
        {
            var cells = new List<string> { Markup.Escape(result.Manifest.Trace.Name), Markup.Escape(result.Manifest.Policy) };
            foreach (var name in names)
            {
                var value = result.Metrics.FirstOrDefault(m => m.Name == name);
                cells.Add(value.Name is null ? "" : Format(value.Value));
            }

            table.AddRow(cells.ToArray());
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        console.Write(table);
        console.WriteLine($"tables in {outputDirectory}");
    }

    private static string Format(double value) =>
        value == Math.Floor(value) && Math.Abs(value) < 1e15
            ? ((long)value).ToString(CultureInfo.InvariantCulture)
            : value.ToString("0.###", CultureInfo.InvariantCulture);
}
