using System.CommandLine;
using System.Globalization;
using MmReplay.Analyze.Batch;
using MmReplay.Ingest;
using MmReplay.Replay;
using Spectre.Console;

namespace MmReplay.Cli.Commands;

/// <summary>`mmreplay batch TRACES... --policies p1,p2 --out DATASET`: many traces x many policies, one parse each.</summary>
public static class BatchCommand
{
    public static Command Create()
    {
        var traces = new Argument<string[]>("traces") { Description = "trace files, folders or globs", Arity = ArgumentArity.OneOrMore };
        var policies = new Option<string>("--policies") { Description = "comma-separated policy presets, each optionally with +knob=value overrides", Required = true };
        var output = new Option<string>("--out", "-o") { Description = "dataset folder (Hive-partitioned: policy=<p>/trace=<t>/<table>.arrow)", Required = true };
        var jobs = new Option<int>("--jobs", "-j") { Description = "traces replayed at the same time", DefaultValueFactory = _ => Environment.ProcessorCount };
        var resume = new Option<bool>("--resume") { Description = "skip partitions that are already complete" };
        var shard = new Option<string?>("--shard") { Description = "replay only shard i/n of the traces (0-based; stable by trace name)" };
        var seed = new Option<ulong>("--seed") { Description = "seed recorded in every table", DefaultValueFactory = _ => 0 };
        var strict = new Option<bool>("--strict") { Description = "a trace with a rejected row fails (exit 65)" };
        var progress = new Option<ProgressMode>("--progress") { Description = "auto, always, never", DefaultValueFactory = _ => ProgressMode.Auto };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "no progress and no summary table" };
        var costs = CostsOption.Create();

        var command = new Command("batch", "replay many traces under many policies into one Arrow dataset")
        {
            traces, policies, output, jobs, resume, shard, seed, strict, progress, quiet, costs,
        };
        command.SetAction(async (parse, cancel) =>
        {
            if (!TryPolicies(parse.GetValue(policies)!, out var kernels, out var error))
            {
                await Console.Error.WriteLineAsync($"mmreplay: {error}");
                return ExitCodes.Usage;
            }

            Shard? selected = null;
            if (parse.GetValue(shard) is { } shardText)
            {
                if (!Shard.TryParse(shardText, out var s))
                {
                    await Console.Error.WriteLineAsync($"mmreplay: --shard takes i/n with 0 <= i < n, not '{shardText}'");
                    return ExitCodes.Usage;
                }

                selected = s;
            }

            if (!CostsOption.TryLoad(parse.GetValue(costs), out var costModel, out var costError))
            {
                await Console.Error.WriteLineAsync($"mmreplay: {costError}");
                return ExitCodes.Usage;
            }

            var files = TraceArguments.Expand(parse.GetValue(traces)!);
            if (files.Count == 0)
            {
                await Console.Error.WriteLineAsync("mmreplay: no trace files matched");
                return ExitCodes.NoInput;
            }

            var isQuiet = parse.GetValue(quiet);
            var options = new BatchOptions
            {
                Traces = files,
                Policies = kernels,
                Dataset = parse.GetValue(output)!,
                Jobs = Math.Max(1, parse.GetValue(jobs)),
                Resume = parse.GetValue(resume),
                Shard = selected,
                Seed = parse.GetValue(seed),
                Strict = parse.GetValue(strict),
                Costs = costModel,
            };
            BatchResult result;
            try
            {
                result = await BatchProgressDisplay.RunAsync(
                    isQuiet ? ProgressMode.Never : parse.GetValue(progress),
                    reporter => BatchRun.RunAsync(options with { Progress = reporter }, cancel));
            }
            catch (Exception e) when (e is ArgumentException)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {e.Message}");
                return ExitCodes.Usage;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, options.Dataset);
            }

            if (!isQuiet)
            {
                Summary.Print(options.Dataset, result.Runs);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{result.Runs.Count} partition(s) written, {result.PartitionsSkipped} already complete, {result.Failures.Count} trace(s) failed, {result.Wall.TotalSeconds:0.0} s"));
            }

            var exit = ExitCodes.Ok;
            foreach (var failure in result.Failures)
            {
                var code = CliErrors.Report(failure.Error, failure.Trace);
                exit = exit == ExitCodes.Ok || code == ExitCodes.NoInput ? code : exit;
            }

            return exit;
        });
        return command;
    }

    /// <summary>Parse "p1,p2+knob=v+knob2=w" into policies (a usage error names the bad one).</summary>
    public static bool TryPolicies(string text, out List<KernelPolicy> policies, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        policies = [];
        error = "";
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split('+');
            try
            {
                var policy = KernelPolicy.Preset(parts[0]);
                for (var i = 1; i < parts.Length; i++)
                {
                    policy = policy.With(parts[i]);
                }

                if (policies.Exists(p => p.Name == policy.Name))
                {
                    error = $"policy '{policy.Name}' is listed twice";
                    return false;
                }

                policies.Add(policy);
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException)
            {
                error = e.Message;
                return false;
            }
        }

        if (policies.Count == 0)
        {
            error = "--policies names no policy";
            return false;
        }

        return true;
    }
}
