using System.CommandLine;
using System.Globalization;
using MmReplay.Analyze;
using MmReplay.Analyze.Runs;

namespace MmReplay.Cli.Commands;

/// <summary>`mmreplay replay TRACE --out DIR`: one trace under one policy; tables, manifest and a summary.</summary>
public static class ReplayCommand
{
    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "trace file (.csv, .csv.gz, .arrow, ftrace text) or - for standard input" };
        var output = new Option<string?>("--out", "-o") { Description = "output directory (default: out/<trace name>)" };
        var policy = new PolicyArguments();
        var seed = new Option<ulong>("--seed") { Description = "seed recorded in every table (reproducible runs)", DefaultValueFactory = _ => 0 };
        var strict = new Option<bool>("--strict") { Description = "fail (exit 65) at the first rejected row instead of writing rejects.csv" };
        var cpus = new Option<int>("--cpus") { Description = "CPUs of the modelled machine (1-64)", DefaultValueFactory = _ => 64 };
        var progress = new Option<ProgressMode>("--progress") { Description = "progress on stderr: auto (only on a terminal), always, never", DefaultValueFactory = _ => ProgressMode.Auto };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "print no summary table" };
        var costs = CostsOption.Create();

        var command = new Command("replay", "replay one trace under one kernel policy and write Arrow tables")
        {
            trace, output, seed, strict, cpus, progress, quiet, costs,
        };
        policy.AddTo(command);
        command.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(trace)!;
            if (!policy.TryResolve(parse, out var kernel, out var error))
            {
                await Console.Error.WriteLineAsync($"mmreplay: {error}");
                return ExitCodes.Usage;
            }

            var cpuCount = parse.GetValue(cpus);
            if (cpuCount is < 1 or > 64)
            {
                await Console.Error.WriteLineAsync("mmreplay: --cpus must be between 1 and 64");
                return ExitCodes.Usage;
            }

            if (!CostsOption.TryLoad(parse.GetValue(costs), out var costModel, out var costError))
            {
                await Console.Error.WriteLineAsync($"mmreplay: {costError}");
                return ExitCodes.Usage;
            }

            var outputDirectory = parse.GetValue(output) ?? Path.Combine("out", ReplayRun.TraceName(path));
            var options = new ReplayRunOptions
            {
                TracePath = path,
                Targets = [new ReplayTarget(kernel, outputDirectory)],
                RejectsPath = Path.Combine(outputDirectory, "rejects.csv"),
                Seed = parse.GetValue(seed),
                Strict = parse.GetValue(strict),
                Cpus = cpuCount,
                Costs = costModel,
            };
            try
            {
                var results = await ProgressDisplay.RunAsync(
                    parse.GetValue(progress),
                    $"replay {kernel.Name}",
                    reporter => ReplayRun.RunAsync(options with { Progress = reporter }, cancel),
                    File.Exists(path) ? new FileInfo(path).Length : null);
                if (!parse.GetValue(quiet))
                {
                    Summary.Print(outputDirectory, results);
                }

                var rejected = results[0].Manifest.Rows.Rejected;
                if (rejected > 0)
                {
                    await Console.Error.WriteLineAsync(string.Create(
                        CultureInfo.InvariantCulture,
                        $"mmreplay: {rejected} row(s) rejected, see {options.RejectsPath}"));
                }

                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, path);
            }
        });
        return command;
    }
}
