using System.CommandLine;
using System.Globalization;
using MmReplay.Ingest;
using MmReplay.Ingest.Workloads;
using MmReplay.Oracle;

namespace MmReplay.Cli.Commands;

/// <summary>
/// `mmreplay gen --workload NAME --seed N --events N --out FILE`: a synthetic trace from a named workload model
/// (docs/workloads.md), streamed to .csv, .csv.gz, .arrow or "-" (CSV on stdout); the same options give the same bytes.
/// </summary>
public static class GenCommand
{
    public static Command Create()
    {
        var defaults = new WorkloadOptions { Workload = WorkloadCatalog.CriuDump };
        string[] names = [.. WorkloadCatalog.Names, OracleRandom];
        var workload = new Option<string>("--workload", "-w") { Description = "workload model: " + string.Join(", ", names), Required = true };
        workload.AcceptOnlyFromAmong(names);
        var output = new Option<string>("--out", "-o") { Description = "output trace: .csv, .csv.gz, .arrow, or - for CSV on standard output", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed of the one random generator (Xoshiro256**)", DefaultValueFactory = _ => 0 };
        var events = new Option<long>("--events", "-n") { Description = "body events (the teardown adds a few)", DefaultValueFactory = _ => defaults.Events };
        var pages = new Option<int>("--pages") { Description = "working-set pages per process", DefaultValueFactory = _ => defaults.Pages };
        var processes = new Option<int?>("--processes") { Description = "processes (default: 2 for ksm, else 1; mixed: per component)" };
        var threads = new Option<int>("--threads") { Description = "threads per process", DefaultValueFactory = _ => defaults.Threads };
        var cpus = new Option<int>("--cpus") { Description = "CPUs the threads run on (1-64)", DefaultValueFactory = _ => defaults.Cpus };
        var zipf = new Option<double>("--zipf") { Description = "Zipf exponent of page popularity (0 = uniform)", DefaultValueFactory = _ => defaults.Zipf };
        var writeRatio = new Option<double>("--write-ratio") { Description = "fraction of accesses that are writes", DefaultValueFactory = _ => defaults.WriteRatio };
        var deviceRatio = new Option<double>("--device-ratio") { Description = "fraction of guest/GPU accesses through the device TLB", DefaultValueFactory = _ => defaults.DeviceRatio };
        var roundEvery = new Option<double>("--round-every") { Description = "mean accesses between dump / scan / ksmd rounds (Poisson)", DefaultValueFactory = _ => defaults.RoundEvery };
        var churnEvery = new Option<double>("--churn-every") { Description = "mean accesses between forks, munmaps, migrations, re-pins (Poisson)", DefaultValueFactory = _ => defaults.ChurnEvery };
        var gapNs = new Option<double>("--gap-ns") { Description = "mean ns between events (exponential)", DefaultValueFactory = _ => defaults.GapNs };
        var mix = new Option<string?>("--mix") { Description = "mixed only: weights, e.g. gpu-svm=3,ksm=1 (default: all equal)" };
        var command = new Command("gen", "generate a synthetic trace from a named workload model, reproducibly from a seed")
        {
            workload, output, seed, events, pages, processes, threads, cpus, zipf, writeRatio, deviceRatio, roundEvery, churnEvery, gapNs, mix,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var to = parse.GetValue(output)!;
            if (parse.GetValue(workload) == OracleRandom)
            {
                return await WriteOracleRandomAsync(parse.GetValue(seed), to, cancel);
            }

            WorkloadTrace trace;
            try
            {
                trace = new WorkloadTrace(new WorkloadOptions
                {
                    Workload = parse.GetValue(workload)!,
                    Seed = parse.GetValue(seed),
                    Events = parse.GetValue(events),
                    Pages = parse.GetValue(pages),
                    Processes = parse.GetValue(processes),
                    Threads = parse.GetValue(threads),
                    Cpus = parse.GetValue(cpus),
                    Zipf = parse.GetValue(zipf),
                    WriteRatio = parse.GetValue(writeRatio),
                    DeviceRatio = parse.GetValue(deviceRatio),
                    RoundEvery = parse.GetValue(roundEvery),
                    ChurnEvery = parse.GetValue(churnEvery),
                    GapNs = parse.GetValue(gapNs),
                    Mix = ParseMix(parse.GetValue(mix)),
                });
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {e.Message}");
                return ExitCodes.Usage;
            }

            try
            {
                using (trace)
                {
                    await TraceConverter.WriteAsync(trace, to, 8, cancel);
                }

                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"mmreplay: {trace.Info.EventsEmitted} events of {trace.Info.Path} written to {to}"));
                return ExitCodes.Ok;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, to);
            }
        });
        return command;
    }

    /// <summary>
    /// The kernel oracle's random traces (docs/oracle.md): small processes within what a real kernel executes, for
    /// `mmreplay oracle`. Only --seed applies; the generator fixes the rest.
    /// </summary>
    private const string OracleRandom = "oracle-random";

    private static async Task<int> WriteOracleRandomAsync(int seed, string to, CancellationToken cancel)
    {
        try
        {
            using var trace = new EventListTrace($"gen:{OracleRandom}:seed={seed}", RandomTraceGenerator.Generate(seed));
            await TraceConverter.WriteAsync(trace, to, 8, cancel);
            await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"mmreplay: {trace.Count} events of {trace.Info.Path} written to {to}"));
            return ExitCodes.Ok;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return CliErrors.Report(e, to);
        }
    }

    /// <summary>"a=1,b=2.5" to (name, weight) pairs in the order given; throws ArgumentException naming --mix.</summary>
    private static List<KeyValuePair<string, double>>? ParseMix(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var mix = new List<KeyValuePair<string, double>>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || !double.TryParse(part.AsSpan(eq + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var weight))
            {
                throw new ArgumentException($"--mix: '{part}' is not NAME=WEIGHT");
            }

            mix.Add(new(part[..eq], weight));
        }

        return mix;
    }
}
