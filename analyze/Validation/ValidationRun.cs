using MmReplay.Analyze.Runs;
using MmReplay.Ingest;
using MmReplay.Ingest.Ftrace;


namespace MmReplay.Analyze.Validation;

/// <summary>
/// <c>mmreplay validate</c>: reads an ftrace recording (keeping its syscall windows), replays it through the model
/// with <see cref="TraceValidator"/> and writes the agreement tables and rejects.csv to the output directory. The
/// whole recording is held in memory: validation recordings are workloads of seconds, not production traces.
/// </summary>
public static class ValidationRun
{
    /// <summary>
    /// Throws <see cref="FileNotFoundException"/>/<see cref="IOException"/> for a missing input,
    /// <see cref="TraceFormatException"/> when the input is not ftrace text (or, under Strict, has a malformed line).
    /// </summary>
    public static async Task<ValidationRunResult> RunAsync(ValidationRunOptions options, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(options);
        var input = Ingest.Io.TraceInput.Open(options.TracePath);
        if (input.Format != TraceFormat.Ftrace)
        {
            input.Dispose();
            throw new TraceFormatException(input.DisplayName, 0, "",
                $"validate compares kernel recordings: it needs ftrace text (tracefs or trace-cmd report), not a {input.Format} trace");
        }

        Directory.CreateDirectory(options.OutputDirectory);
        using var rejects = new RejectsCsvWriter(Path.Combine(options.OutputDirectory, "rejects.csv"));
        using var reader = new FtraceTraceReader(input, new TraceReaderOptions { Strict = options.Strict }, rejects, keepSyscallWindows: true);
        var events = await TraceReaders.ReadAllAsync(reader, cancel).ConfigureAwait(false);
        var cpus = 1;
        foreach (var e in events)
        {
            cpus = Math.Max(cpus, e.Cpu + 1);
        }

        var report = TraceValidator.Validate(events, reader.Ftrace.SyscallWindows, options.Policy, Math.Min(cpus, 64));
        var trace = ReplayRun.TraceName(options.TracePath);
        var tables = AgreementTables.Write(new RunContext(trace, options.Policy.Name, options.Seed, options.OutputDirectory), report);
        rejects.Complete();
        return new ValidationRunResult(trace, report, reader.Info, tables);
    }
}
