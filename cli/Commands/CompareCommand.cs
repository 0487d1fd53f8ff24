using System.CommandLine;
using MmReplay.Analyze.Batch;
using MmReplay.Analyze.Compare;
using Spectre.Console;

namespace MmReplay.Cli.Commands;

/// <summary>
/// `mmreplay compare DATASET --baseline p1 [--policies p2,...]`: deltas against the baseline with bootstrap
/// intervals and paired tests. Given trace files instead of a dataset, it first runs the batch.
/// </summary>
public static class CompareCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "a batch dataset folder, or trace files/folders/globs to batch first", Arity = ArgumentArity.OneOrMore };
        var baseline = new Option<string>("--baseline", "-b") { Description = "the policy the others are compared with", Required = true };
        var policies = new Option<string?>("--policies") { Description = "comma-separated policies to compare (default: all others in the dataset)" };
        var output = new Option<string>("--out", "-o") { Description = "folder for comparison.arrow and comparison_traces.arrow", DefaultValueFactory = _ => Path.Combine("out", "comparison") };
        var dataset = new Option<string>("--dataset") { Description = "where to batch the traces when inputs are traces", DefaultValueFactory = _ => Path.Combine("out", "compare-dataset") };
        var report = new Option<string?>("--report") { Description = "write a Markdown report here" };
        var seed = new Option<ulong>("--seed") { Description = "seed of the bootstrap (and of the runs when batching)", DefaultValueFactory = _ => 0 };
        var resamples = new Option<int>("--resamples") { Description = "bootstrap resamples", DefaultValueFactory = _ => 10_000 };
        var jobs = new Option<int>("--jobs", "-j") { Description = "traces replayed at the same time when batching", DefaultValueFactory = _ => Environment.ProcessorCount };

        var command = new Command("compare", "compare policies against a baseline across traces (deltas, bootstrap CI, Wilcoxon p)")
        {
            inputs, baseline, policies, output, dataset, report, seed, resamples, jobs,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var given = parse.GetValue(inputs)!;
            var baselineName = parse.GetValue(baseline)!;
            var compared = parse.GetValue(policies)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var datasetPath = given.Length == 1 && DatasetManifest.Partitions(given[0]).Count > 0 ? given[0] : null;
            try
            {
                if (datasetPath is null)
                {
                    if (compared is null)
                    {
                        await Console.Error.WriteLineAsync("mmreplay: --policies is needed to batch traces before comparing");
                        return ExitCodes.Usage;
                    }

                    if (!BatchCommand.TryPolicies(string.Join(',', [baselineName, .. compared]), out var kernels, out var error))
                    {
                        await Console.Error.WriteLineAsync($"mmreplay: {error}");
                        return ExitCodes.Usage;
                    }

                    datasetPath = parse.GetValue(dataset)!;
                    var batch = await BatchRun.RunAsync(
                        new BatchOptions
                        {
                            Traces = TraceArguments.Expand(given),
                            Policies = kernels,
                            Dataset = datasetPath,
                            Jobs = Math.Max(1, parse.GetValue(jobs)),
                            Resume = true,
                            Seed = parse.GetValue(seed),
                        },
                        cancel);
                    if (batch.Failures.Count > 0)
                    {
                        return CliErrors.Report(batch.Failures[0].Error, batch.Failures[0].Trace);
                    }
                }

                var rows = CompareRun.Run(new CompareOptions
                {
                    Dataset = datasetPath,
                    Baseline = baselineName,
                    Policies = compared,
                    OutputDirectory = parse.GetValue(output)!,
                    ReportPath = parse.GetValue(report),
                    Seed = parse.GetValue(seed),
                    Resamples = Math.Max(100, parse.GetValue(resamples)),
                });
                Print(rows, baselineName);
                return ExitCodes.Ok;
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, datasetPath ?? string.Join(' ', given));
            }
        });
        return command;
    }

    private static void Print(IReadOnlyList<ComparisonRow> rows, string baseline)
    {
        var table = new Table().Border(TableBorder.Simple).Title($"against {Markup.Escape(baseline)}");
        foreach (var header in new[] { "metric", "policy", "traces", "mean Δ", "median Δ", "95% CI", "p" })
        {
            table.AddColumn(header);
        }

        foreach (var r in rows)
        {
            table.AddRow(
                Markup.Escape(r.Metric),
                Markup.Escape(r.Policy),
                r.Traces.ToString(System.Globalization.CultureInfo.InvariantCulture),
                CompareRun.F(r.MeanDelta),
                CompareRun.F(r.MedianDelta),
                Markup.Escape($"[{CompareRun.F(r.CiLow)}, {CompareRun.F(r.CiHigh)}]"),
                CompareRun.F(r.PValue));
        }

        Terminal.Stdout().Write(table);
    }
}
