namespace MmReplay.Oracle;

/// <summary>
/// Runs traces on a real kernel: translate each to an op list, pack them with the runtime into one initramfs,
/// boot once under QEMU, and bring back every observation, per trace in the order given.
/// </summary>
public static class OracleRunner
{
    public static async Task<OracleRunResult> RunAsync(IReadOnlyList<OracleTrace> traces, OracleKernel kernel, OracleRunOptions? options = null, OracleEnvironment? environment = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        ArgumentNullException.ThrowIfNull(kernel);
        options ??= new OracleRunOptions();
        environment ??= OracleEnvironment.Detect();
        string? missing = environment.MissingTools();
        if (missing is not null)
            throw new InvalidOperationException(missing);

        var opLists = new OpList[traces.Count];
        for (int i = 0; i < traces.Count; i++)
        {
            try
            {
                opLists[i] = OpListTranslator.Translate(traces[i].Events);
            }
            catch (OracleTranslationException e)
            {
                throw new OracleTranslationException($"{traces[i].Name}: {e.Message}", e);
            }
        }

        string runtime = await GuestRuntime.BuildAsync(environment, ct).ConfigureAwait(false);
        bool ownWorkDirectory = options.WorkDirectory is null;
        string work = options.WorkDirectory ?? Directory.CreateTempSubdirectory("mmreplay-oracle-").FullName;
        Directory.CreateDirectory(work);
        string initrd = Path.Combine(work, "initramfs.cpio");
        InitramfsBuilder.Write(initrd, environment.Busybox!, runtime, opLists);

        TimeSpan timeout = options.BootTimeout + options.TimeoutPerTrace * traces.Count;
        ProcessResult qemu;
        GuestReport report;
        int boots = 0;
        do
        {
            boots++;
            qemu = await QemuBoot.RunAsync(environment.Qemu!, kernel.Vmlinuz, initrd, work, options, timeout, ct).ConfigureAwait(false);
            report = ReadReport(work);
        }
        // A kernel that dies before our init prints its release (seen once on 6.12: an int3 oops while TCG
        // patches kernel text on 2 CPUs) failed independently of the traces: boot it again, a bounded number of times.
        while (!report.Finished && report.KernelRelease is null && boots < options.EarlyCrashBoots);
        if (!report.Finished)
        {
            string console = Path.Combine(work, "console.log");
            string tail = File.Exists(console) ? Tail(File.ReadAllText(console), 30) : "(no console log)";
            throw new InvalidOperationException(
                $"the guest did not finish after {boots} boot(s) ({(qemu.TimedOut ? $"timed out after {timeout.TotalSeconds:F0} s" : $"qemu exit code {qemu.ExitCode}")}); " +
                $"logs in {work}. Console tail:\n{tail}\n{qemu.StandardError}");
        }

        var results = new OracleTraceResult[traces.Count];
        for (int i = 0; i < traces.Count; i++)
        {
            TraceRun? run = null;
            foreach (TraceRun candidate in report.Traces)
                if (candidate.Index == i)
                    run = candidate;
            results[i] = new OracleTraceResult(traces[i].Name, opLists[i], run?.Observations ?? [], run?.ExitStatus);
        }
        if (ownWorkDirectory)
            Directory.Delete(work, recursive: true);
        return new OracleRunResult(kernel, report.KernelRelease, qemu.Elapsed, results, report.Ftrace);
    }

    private static GuestReport ReadReport(string work)
    {
        string resultsPath = Path.Combine(work, "results.txt");
        using var reader = new StreamReader(File.Exists(resultsPath) ? File.OpenRead(resultsPath) : Stream.Null);
        return GuestReportParser.Parse(reader);
    }

    private static string Tail(string text, int lines)
    {
        string[] all = text.Split('\n');
        return string.Join('\n', all[Math.Max(0, all.Length - lines)..]);
    }
}
