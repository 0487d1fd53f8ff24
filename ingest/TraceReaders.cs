using System.Threading.Channels;
using MmReplay.Ingest.ArrowTrace;
using MmReplay.Ingest.Csv;
using MmReplay.Ingest.Ftrace;
using MmReplay.Ingest.Io;

namespace MmReplay.Ingest;

/// <summary>Opens a trace of any supported format, detected from its magic bytes and its name.</summary>
public static class TraceReaders
{
    /// <summary>
    /// Opens <paramref name="path"/> ("-" = standard input) and reads its head to detect the format, gzip and the
    /// header comments. Throws FileNotFoundException / IOException when the input cannot be opened (exit code 66)
    /// and <see cref="TraceFormatException"/> when its head is not a trace (exit code 65).
    /// </summary>
    public static ITraceReader Open(string path, TraceReaderOptions options, IRejectSink? rejects)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        if (options.BatchSize <= 0 || options.Parallelism == 0 || options.Parallelism < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "BatchSize must be > 0 and Parallelism >= 1 or -1");
        }

        var input = TraceInput.Open(path);
        switch (input.Format)
        {
            case TraceFormat.Csv:
                return new CsvTraceReader(input, options, rejects);
            case TraceFormat.Arrow:
                return OpenArrow(input, options);
            case TraceFormat.Ftrace:
                return new FtraceTraceReader(input, options, rejects);
            default:
                input.Dispose();
                throw new TraceFormatException(input.DisplayName, 0, "", $"{input.Format} traces are not readable yet");
        }
    }

    private static ArrowTraceReader OpenArrow(TraceInput input, TraceReaderOptions options)
    {
        try
        {
            return new ArrowTraceReader(input, options);
        }
        catch (Exception e)
        {
            input.Dispose();
            throw e is Arrow.ArrowFormatException ? new TraceFormatException(input.DisplayName, 0, "", e.Message) : e;
        }
    }

    /// <summary>Reads the whole trace into a list (tests and small tools; the pipeline streams batches instead).</summary>
    public static async Task<List<TraceEvent>> ReadAllAsync(ITraceReader reader, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var channel = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });
        var reading = reader.ReadAsync(channel.Writer, cancel);
        var events = new List<TraceEvent>();
        await foreach (var batch in channel.Reader.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            foreach (ref readonly var ev in batch.Events)
            {
                events.Add(ev);
            }

            batch.Release();
        }

        await reading.ConfigureAwait(false);
        return events;
    }
}
