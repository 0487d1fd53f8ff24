using System.Threading.Channels;
using MmReplay.Ingest.Io;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// The ftrace text reader behind <see cref="TraceReaders.Open"/>: tracefs <c>trace</c>/<c>trace_pipe</c> text or
/// <c>trace-cmd report</c> output. Rows are lines: malformed lines are rejected (to the sink, or thrown under Strict),
/// lines that yield no op are counted in <see cref="TraceInfo.RowsIgnored"/>, and <see cref="Ftrace"/> has the details
/// (by event name and drop reason, markers, syscall windows).
/// </summary>
public sealed class FtraceTraceReader : ITraceReader
{
    private readonly TraceInput _input;
    private readonly TraceReaderOptions _options;

    public FtraceTraceReader(TraceInput input, TraceReaderOptions options, IRejectSink? rejects, bool keepSyscallWindows = false)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(options);
        _input = input;
        _options = options;
        Info = new TraceInfo(input.Path, TraceFormat.Ftrace, input.Gzip, input.PageSize, input.Length);
        Ftrace = new FtraceReader(input.Stream, input.DisplayName, new FtraceReaderOptions
        {
            BatchCapacity = options.BatchSize,
            Strict = options.Strict,
            Parallelism = options.Parallelism,
            KeepSyscallWindows = keepSyscallWindows,
        }, rejects);
    }

    public TraceInfo Info { get; }

    /// <summary>The ftrace reader itself: statistics, markers and syscall windows (complete once reading has ended).</summary>
    public FtraceReader Ftrace { get; }

    public Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        return Task.Factory.StartNew(() => PumpAsync(output, cancel), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public void Dispose() => _input.Dispose();

    private async Task PumpAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        try
        {
            bool more;
            do
            {
                cancel.ThrowIfCancellationRequested();
                var batch = new EventBatch(_options.BatchSize);
                more = Ftrace.FillBatch(batch);
                Publish();
                if (batch.Count > 0)
                {
                    await output.WriteAsync(batch, cancel).ConfigureAwait(false);
                }
                else
                {
                    batch.Release();
                }
            }
            while (more);

            _input.CheckComplete();
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
        finally
        {
            _input.Dispose();
        }
    }

    private void Publish()
    {
        var s = Ftrace.Stats;
        Info.SetCounts(s.LinesRead, s.EventsEmitted, s.MalformedLines, s.IgnoredLines);
        Info.SetBytesRead(_input.BytesRead);
    }
}
