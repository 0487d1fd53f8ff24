using System.Threading.Channels;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Streams an ftrace text file (tracefs <c>trace</c>/<c>trace_pipe</c> or <c>trace-cmd report</c>, detected per line)
/// into pooled <see cref="EventBatch"/>es. Memory stays flat: one line buffer, per-task state, the capped malformed and
/// marker lists. Not thread-safe; one reader per file.
/// </summary>
public sealed class FtraceReader
{
    private readonly LineSource _lines;
    private readonly FtraceMapper _mapper;
    private readonly List<FtraceMarker> _markers = [];
    private readonly FtraceReaderOptions _options;
    private bool _flavorKnown;

    public FtraceReader(Stream stream, string source, FtraceReaderOptions? options = null)
    {
        _options = options ?? new FtraceReaderOptions();
        _lines = new LineSource(stream);
        Stats = new FtraceStats(source, _options.MaxMalformedKept);
        _mapper = new FtraceMapper(Stats, _markers, _options.MaxMarkersKept);
    }

    /// <summary>Counts so far; complete once <see cref="ReadAsync"/> or <see cref="FillBatch"/> reached the end.</summary>
    public FtraceStats Stats { get; }

    /// <summary>trace_marker writes in file order (capped by <see cref="FtraceReaderOptions.MaxMarkersKept"/>).</summary>
    public IReadOnlyList<FtraceMarker> Markers => _markers;

    /// <summary>Bytes consumed so far, for progress.</summary>
    public long BytesRead => _lines.Position;

    /// <summary>
    /// Reads the whole input, writing full batches to <paramref name="output"/> (the caller owns and completes the
    /// channel). Parsing runs on the calling task's thread pool thread; only channel writes await.
    /// </summary>
    public async Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        await Task.Yield();
        bool more;
        do
        {
            cancel.ThrowIfCancellationRequested();
            var batch = new EventBatch(_options.BatchCapacity);
            more = FillBatch(batch);
            if (batch.Count > 0)
            {
                await output.WriteAsync(batch, cancel);
            }
            else
            {
                batch.Release();
            }
        }
        while (more);
    }

    /// <summary>Parses lines into <paramref name="batch"/> until it is full; false once the input is exhausted.</summary>
    public bool FillBatch(EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        // One line emits at most two events (a vfork child's exec): stop with room for them.
        var limit = batch.Capacity - 2;
        while (batch.Count <= limit)
        {
            if (!_lines.TryReadLine(out var line))
            {
                return false;
            }

            ReadLine(line, batch);
        }

        return true;
    }

    /// <summary>Parses a whole stream into a list (tests and small tools; the pipeline uses <see cref="ReadAsync"/>).</summary>
    public static (List<TraceEvent> Events, FtraceStats Stats, IReadOnlyList<FtraceMarker> Markers) ParseAll(
        Stream stream, string source, FtraceReaderOptions? options = null)
    {
        var reader = new FtraceReader(stream, source, options);
        var events = new List<TraceEvent>();
        bool more;
        do
        {
            var batch = new EventBatch();
            more = reader.FillBatch(batch);
            events.AddRange(batch.Events);
            batch.Release();
        }
        while (more);

        return (events, reader.Stats, reader.Markers);
    }

    private void ReadLine(ReadOnlySpan<byte> line, EventBatch batch)
    {
        var stats = Stats;
        var number = ++stats.LinesRead;
        var record = default(FtraceRecord);
        switch (FtraceTextReader.ParseLine(line, ref record, out var reason))
        {
            case FtraceLineKind.Event:
                stats.EventLines++;
                if (stats.EventLines == 1)
                {
                    stats.FirstTimeNs = record.TimeNs;
                }

                stats.LastTimeNs = record.TimeNs;
                if (!_flavorKnown && record.Kind != FtraceEventKind.Unknown)
                {
                    stats.Flavor = stats.Flavor != FtraceFlavor.Unknown ? stats.Flavor : FtraceTextReader.Detect(line);
                    _flavorKnown = true;
                }

                _mapper.Map(ref record, number, batch);
                break;
            case FtraceLineKind.Header:
                stats.HeaderLines++;
                if (stats.Flavor == FtraceFlavor.Unknown && !_flavorKnown)
                {
                    stats.Flavor = FtraceTextReader.Detect(line);
                }

                break;
            case FtraceLineKind.LostEvents:
                stats.LostEventLines++;
                break;
            default:
                stats.AddMalformed(number, reason, line);
                break;
        }
    }
}
