using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MmReplay.Arrow;
using MmReplay.Oracle;
using MmReplay.Replay;

namespace MmReplay.Cli.Commands;

/// <summary>
/// `mmreplay oracle TRACE... --kernel K [--policy P] --out DIR [--ftrace]`: runs the traces' executable ops on a real
/// kernel under QEMU (one boot for all), replays them through the model, writes DIR/oracle.arrow and
/// DIR/oracle-manifest.json, and prints every disagreement. Exit 3 when one exists (docs/oracle.md).
/// </summary>
public static class OracleCommand
{
    public static Command Create()
    {
        var traces = new Argument<string[]>("traces") { Description = "trace files (.csv, .csv.gz, .arrow, ftrace text)", Arity = ArgumentArity.OneOrMore };
        var kernel = new Option<string>("--kernel", "-k") { Description = "5.10, 6.1 or 6.12 (fetched by tools/oracle/setup.sh) or a path to any vmlinuz", Required = true };
        var policy = new Option<string?>("--policy", "-p") { Description = "model policy preset (default: the kernel's, e.g. debian-6.1)" };
        var set = new Option<string[]>("--set") { Description = "override one knob of the policy: --set knob=value (repeatable)" };
        var output = new Option<string>("--out", "-o") { Description = "output directory for oracle.arrow and oracle-manifest.json", Required = true };
        var ftrace = new Option<bool>("--ftrace") { Description = "record page faults and TLB flushes with tracefs inside the guest (DIR/guest-ftrace.txt)" };
        var work = new Option<string?>("--work") { Description = "keep the guest's files (initramfs, console.log, results.txt) in this directory" };
        var command = new Command("oracle", "run traces on a real Linux kernel under QEMU and diff every observation with the model")
        {
            traces, kernel, policy, set, output, ftrace, work,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var environment = OracleEnvironment.Detect();
            var missing = environment.MissingTools();
            if (missing is not null)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {missing}");
                return ExitCodes.Unavailable;
            }

            var kernelImage = ResolveKernel(environment, parse.GetValue(kernel)!, out var kernelError);
            if (kernelImage is null)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {kernelError}");
                return ExitCodes.Unavailable;
            }

            KernelPolicy? chosen = null;
            try
            {
                if (parse.GetValue(policy) is { } name)
                {
                    chosen = KernelPolicy.Preset(name);
                }

                foreach (var assignment in parse.GetValue(set) ?? [])
                {
                    chosen = (chosen ?? throw new ArgumentException("--set needs --policy (the kernel's preset is chosen after the boot)")).With(assignment);
                }
            }
            catch (ArgumentException e)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {e.Message}");
                return ExitCodes.Usage;
            }

            var paths = parse.GetValue(traces)!;
            var outDir = parse.GetValue(output)!;
            var loaded = new List<OracleTrace>();
            foreach (var path in paths)
            {
                try
                {
                    loaded.Add(await TraceFiles.LoadAsync(path, cancel));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return CliErrors.Report(e, path);
                }
            }

            try
            {
                Directory.CreateDirectory(outDir);
                await Console.Error.WriteLineAsync($"mmreplay: booting {kernelImage} with {loaded.Count} trace(s)");
                var options = new OracleRunOptions { RecordFtrace = parse.GetValue(ftrace), WorkDirectory = parse.GetValue(work) };
                var report = await OracleSession.RunAsync(loaded, kernelImage, chosen, options, environment, cancel);
                OracleTable.Write(Path.Combine(outDir, "oracle.arrow"), report.Rows);
                WriteManifest(Path.Combine(outDir, "oracle-manifest.json"), report, paths);
                if (options.RecordFtrace)
                {
                    await File.WriteAllLinesAsync(Path.Combine(outDir, "guest-ftrace.txt"), report.Run.Ftrace, cancel);
                }

                var disagreements = report.Disagreements;
                foreach (var row in disagreements)
                {
                    Console.Out.WriteLine(row.ToString());
                }

                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{report.Run.KernelRelease} vs {report.Policy.Name}: {loaded.Count} trace(s), {report.Observations} observations, {report.Agreements} agree, {disagreements.Count} disagree, {report.Rows.Count - report.Observations} op(s) skipped"));
                await Console.Error.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"mmreplay: boot took {report.Run.Elapsed.TotalSeconds:F1} s; wrote {outDir}/oracle.arrow"));
                return disagreements.Count == 0 ? ExitCodes.Ok : ExitCodes.Disagreement;
            }
            catch (OracleTranslationException e)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {e.Message}");
                return ExitCodes.DataError;
            }
            catch (Exception e) when (e is not OutOfMemoryException and not OperationCanceledException and not IOException)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {e.Message}");
                return ExitCodes.Failure;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return CliErrors.Report(e, outDir);
            }
        });
        return command;
    }

    /// <summary>A series setup.sh fetched, or a vmlinuz path; null with the reason otherwise.</summary>
    private static OracleKernel? ResolveKernel(OracleEnvironment environment, string value, out string error)
    {
        error = "";
        if (environment.Kernels().TryGetValue(value, out var kernel))
        {
            return kernel;
        }

        if (File.Exists(value))
        {
            return OracleKernel.FromVmlinuz(value);
        }

        error = value is "5.10" or "6.1" or "6.12"
            ? $"the linux-{value} oracle kernel is not in {environment.CacheDirectory}: run {OracleEnvironment.SetupCommand}"
            : $"--kernel {value}: neither a series fetched by {OracleEnvironment.SetupCommand} (5.10, 6.1, 6.12) nor a kernel image file";
        return null;
    }

    private static void WriteManifest(string path, OracleReport report, string[] tracePaths)
    {
        AtomicFile.Write(path, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", "mmreplay-oracle-manifest v1");
            json.WriteStartObject("kernel");
            json.WriteString("series", report.Run.Kernel.Series);
            json.WriteString("version", report.Run.Kernel.Version);
            json.WriteString("package", report.Run.Kernel.Package);
            json.WriteString("vmlinuz", report.Run.Kernel.Vmlinuz);
            json.WriteString("release", report.Run.KernelRelease);
            json.WriteNumber("boot_seconds", Math.Round(report.Run.Elapsed.TotalSeconds, 3));
            json.WriteEndObject();
            json.WriteString("policy", report.Policy.Name);
            json.WriteStartObject("knobs");
            foreach (var knob in report.Policy.Knobs)
            {
                json.WriteString(knob.Name, knob.Value);
            }

            json.WriteEndObject();
            json.WriteStartArray("traces");
            for (var i = 0; i < report.Run.Traces.Count; i++)
            {
                var trace = report.Run.Traces[i];
                var rows = report.Rows.Where(r => r.Trace == trace.Name).ToList();
                json.WriteStartObject();
                json.WriteString("name", trace.Name);
                json.WriteString("path", tracePaths[i]);
                json.WriteNumber("ops_run", trace.OpList.Ops.Count);
                json.WriteNumber("ops_skipped", trace.OpList.Skipped.Count);
                json.WriteNumber("observations", rows.Count(r => r.Observation != "skipped"));
                json.WriteNumber("disagreements", rows.Count(r => !r.Agree));
                if (trace.ExitStatus is { } status)
                {
                    json.WriteNumber("exit_status", status);
                }
                else
                {
                    json.WriteNull("exit_status");
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartObject("table");
            json.WriteString("file", "oracle.arrow");
            json.WriteNumber("rows", report.Rows.Count);
            json.WriteEndObject();
            json.WriteEndObject();
        });
    }
}
