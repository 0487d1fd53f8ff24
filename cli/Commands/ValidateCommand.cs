using System.CommandLine;
using System.Globalization;
using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Validation;

namespace MmReplay.Cli.Commands;

/// <summary>
/// `mmreplay validate TRACE --out DIR`: replays a kernel ftrace recording through the model and prints how far the
/// model agrees with what the kernel logged (faults, local flushes, remote flushes); writes the agreement tables.
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var trace = new Argument<string>("trace") { Description = "ftrace text recording (tracefs trace or trace-cmd report; .gz allowed) or - for standard input" };
        var output = new Option<string?>("--out", "-o") { Description = "output directory (default: out/<trace name>-validate)" };
        var policy = new PolicyArguments();
        var seed = new Option<ulong>("--seed") { Description = "seed recorded in every table", DefaultValueFactory = _ => 0 };
        var strict = new Option<bool>("--strict") { Description = "fail (exit 65) at the first malformed line instead of writing rejects.csv" };
        var check = new Option<bool>("--check") { Description = "exit 1 when any comparison disagrees (for scripts and CI)" };
        var cannotTell = new Option<int>("--show-cannot-tell") { Description = "cannot-tell cases listed in the summary", DefaultValueFactory = _ => 20 };

        var command = new Command("validate", "compare the model with a kernel recording (ftrace): faults, local and remote TLB flushes")
        {
            trace, output, seed, strict, check, cannotTell,
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

            var options = new ValidationRunOptions
            {
                TracePath = path,
                OutputDirectory = parse.GetValue(output) ?? Path.Combine("out", ReplayRun.TraceName(path) + "-validate"),
                Policy = kernel,
                Seed = parse.GetValue(seed),
                Strict = parse.GetValue(strict),
            };
            try
            {
                var result = await ValidationRun.RunAsync(options, cancel);
                await Console.Out.WriteAsync(result.Report.Summary(result.Trace, Math.Max(0, parse.GetValue(cannotTell))));
                var info = result.Info;
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"mmreplay: {info.RowsRead} lines: {info.EventsEmitted} events, {info.RowsIgnored} ignored, {info.RowsRejected} rejected; tables in {options.OutputDirectory}"));
                if (info.RowsRejected > 0)
                {
                    await Console.Error.WriteLineAsync($"mmreplay: malformed lines are listed in {Path.Combine(options.OutputDirectory, "rejects.csv")}");
                }

                return parse.GetValue(check) && result.Report.Total.Disagree > 0 ? ExitCodes.Failure : ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, path);
            }
        });
        return command;
    }
}
