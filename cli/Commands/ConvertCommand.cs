using System.CommandLine;
using MmReplay.Ingest;

namespace MmReplay.Cli.Commands;

/// <summary>`mmreplay convert IN OUT`: a trace to the Arrow trace format (OUT.arrow) or back to CSV (OUT.csv[.gz]).</summary>
public static class ConvertCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "trace file (.csv, .csv.gz, .arrow) or - for standard input" };
        var output = new Argument<string>("output") { Description = "output trace: .arrow (Arrow trace), .csv or .csv.gz" };
        var strict = new Option<bool>("--strict") { Description = "fail (exit 65) at the first rejected row instead of writing rejects.csv beside the output" };
        var threads = new Option<int>("--threads") { Description = "CSV parsing threads (-1: one per core)", DefaultValueFactory = _ => -1 };
        var command = new Command("convert", "convert a trace between CSV and the Arrow trace format (the fast path for repeated replays)")
        {
            input, output, strict, threads,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var from = parse.GetValue(input)!;
            var to = parse.GetValue(output)!;
            var options = new TraceReaderOptions { Strict = parse.GetValue(strict), Parallelism = parse.GetValue(threads) };
            var rejectsPath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(to))!, "rejects.csv");
            try
            {
                using var rejects = new RejectsCsvWriter(rejectsPath);
                var info = await TraceConverter.ConvertAsync(from, to, options, rejects, cancel);
                if (rejects.Count > 0)
                {
                    rejects.Complete();
                    await Console.Error.WriteLineAsync($"mmreplay: {rejects.Count} row(s) rejected, see {rejectsPath}");
                }

                await Console.Error.WriteLineAsync($"mmreplay: {info.RowsRead} rows read, {info.EventsEmitted} events written to {to}, {info.RowsRejected} rejected");
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, from);
            }
        });
        return command;
    }
}
