using System.Threading.Channels;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Streams an ftrace text file (tracefs <c>trace</c>/<c>trace_pipe</c> or <c>trace-cmd report</c>, detected per line)
/// into pooled <see cref="EventBatch"/>es. Memory stays flat: one line buffer, per-task state, the capped malformed and
/// marker lists. Not thread-safe; one reader per file.
/// </summary>
public sealed class FtraceReader
{
    private readonly ChunkParser _chunks;
    private readonly FtraceMapper _mapper;
    private readonly List<FtraceMarker> _markers = [];
    private readonly FtraceReaderOptions _options;
    private readonly IRejectSink? _rejects;
    private readonly List<FtraceSyscallWindow> _windows = [];
    private readonly Dictionary<int, FtraceSyscallWindow> _openWindows = [];
    private bool _flavorKnown;
    private ParsedChunk? _chunk;
    private long _lineBase;

    /// <summary>
    /// A reader over <paramref name="stream"/>; <paramref name="rejects"/> receives every malformed line (file, line
    /// number, reason, text) in file order.
    /// </summary>
    public FtraceReader(Stream stream, string source, FtraceReaderOptions? options = null, IRejectSink? rejects = null)
    {
        _options = options ?? new FtraceReaderOptions();
        _rejects = rejects;
        _chunks = new ChunkParser(stream, _options.Parallelism, _options.ChunkBytes);
        Stats = new FtraceStats(source, _options.MaxMalformedKept);
        _mapper = new FtraceMapper(Stats, _markers, _options.MaxMarkersKept);
    }

    /// <summary>Counts so far; complete once <see cref="ReadAsync"/> or <see cref="FillBatch"/> reached the end.</summary>
    public FtraceStats Stats { get; }

    /// <summary>trace_marker writes in file order (capped by <see cref="FtraceReaderOptions.MaxMarkersKept"/>).</summary>
    public IReadOnlyList<FtraceMarker> Markers => _markers;

    /// <summary>Syscall windows in exit order, when <see cref="FtraceReaderOptions.KeepSyscallWindows"/> is set.</summary>
    public IReadOnlyList<FtraceSyscallWindow> SyscallWindows => _windows;

    /// <summary>Bytes consumed so far, for progress.</summary>
    public long BytesRead => _chunks.Position;

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
            var chunk = _chunk;
            if (chunk is null || chunk.IsExhausted)
            {
                if (chunk is not null)
                {
                    Finish(chunk);
                }

                if (!_chunks.TryNext(out chunk))
                {
                    _chunk = null;
                    return false;
                }

                _chunk = chunk;
                _lineBase = Stats.LinesRead;
                continue;
            }

            if (chunk.IsParsed)
            {
                MapParsed(chunk, batch, limit);
            }
            else
            {
                ParseAndMap(chunk, batch, limit);
            }
        }

        return true;
    }

    /// <summary>Maps the lines a worker parsed, in order, until the block or the batch's room ends.</summary>
    private void MapParsed(ParsedChunk chunk, EventBatch batch, int limit)
    {
        var data = chunk.Data.AsSpan(0, chunk.Length);
        var args = chunk.Args;
        var record = default(FtraceRecord);
        var next = chunk.Next;
        while (next < chunk.Count && batch.Count <= limit)
        {
            ref readonly var parsed = ref chunk.Lines[next++];
            chunk.Next = next;
            var reason = "";
            if (parsed.LineKind == FtraceLineKind.Event)
            {
                parsed.Load(data, args, ref record);
            }
            else if (parsed.LineKind == FtraceLineKind.Malformed)
            {
                reason = chunk.ReasonOf(in parsed);
            }

            var number = _lineBase + parsed.Index + 1;
            ReadLine(data.Slice(parsed.Start, parsed.Length), number, parsed.LineKind, reason, ref record, batch);
        }
    }

    /// <summary>Parses and maps the block's lines one by one (one thread), until the block or the batch's room ends.</summary>
    private void ParseAndMap(ParsedChunk chunk, EventBatch batch, int limit)
    {
        var data = chunk.Data.AsSpan(0, chunk.Length);
        var record = default(FtraceRecord);
        var offset = chunk.Offset;
        while (offset < data.Length && batch.Count <= limit)
        {
            var rest = data[offset..];
            var newline = rest.IndexOf((byte)'\n');
            var line = newline < 0 ? rest : rest[..newline];
            offset += line.Length + 1;
            chunk.Offset = offset;
            var kind = FtraceTextReader.ParseLine(line, ref record, out var reason);
            ReadLine(line, Stats.LinesRead + 1, kind, reason, ref record, batch);
        }
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

    /// <summary>Accounts for a block's lines that were counted on the worker instead of kept (all its lines are read now).</summary>
    private void Finish(ParsedChunk chunk)
    {
        if (chunk.IsParsed)
        {
            var stats = Stats;
            stats.LinesRead = _lineBase + chunk.LineCount;
            stats.EventLines += chunk.TalliedEvents;
            stats.IgnoredLines += chunk.TalliedEvents;
            stats.Ignored.Add(chunk.TalliedIgnored);
            stats.Unknown.Add(chunk.TalliedUnknown);
            stats.Drop(FtraceDropReasons.PrintNotMarker, chunk.TalliedPrints);
            if (chunk.HasEvents)
            {
                stats.LastTimeNs = chunk.LastEventTimeNs;
            }
        }

        chunk.Release();
    }

    private void ReadLine(ReadOnlySpan<byte> line, long number, FtraceLineKind kind, string reason, ref FtraceRecord record, EventBatch batch)
    {
        var stats = Stats;
        stats.LinesRead = number;
        switch (kind)
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

                if (_options.KeepSyscallWindows)
                {
                    TrackWindow(ref record, number);
                }

                var before = batch.Count;
                _mapper.Map(ref record, number, batch);
                if (batch.Count == before)
                {
                    stats.IgnoredLines++;
                }

                break;
            case FtraceLineKind.Header:
                stats.HeaderLines++;
                stats.IgnoredLines++;
                if (stats.Flavor == FtraceFlavor.Unknown && !_flavorKnown)
                {
                    stats.Flavor = FtraceTextReader.Detect(line);
                }

                break;
            case FtraceLineKind.LostEvents:
                stats.LostEventLines++;
                stats.IgnoredLines++;
                break;
            default:
                Reject(number, reason, line);
                break;
        }
    }

    private void Reject(long number, string reason, ReadOnlySpan<byte> line)
    {
        Stats.AddMalformed(number, reason, line);
        if (_rejects is null && !_options.Strict)
        {
            return;
        }

        var rejection = new Rejection(Stats.Source, number, "", reason, System.Text.Encoding.UTF8.GetString(line));
        _rejects?.Reject(in rejection);
        if (_options.Strict)
        {
            throw new TraceRejectedException(rejection);
        }
    }

    /// <summary>A task is in one syscall at a time: an entry opens its tid's window, the next exit on the tid closes it.</summary>
    private void TrackWindow(ref FtraceRecord record, long number)
    {
        if (record.Kind == FtraceEventKind.SyscallEnter)
        {
            _openWindows[record.Tid] = new FtraceSyscallWindow(record.Tid, record.Cpu, number, 0, record.Syscall, 0);
        }
        else if (record.Kind == FtraceEventKind.SyscallExit && _openWindows.Remove(record.Tid, out var open)
            && (open.Syscall == record.Syscall || open.Syscall == SyscallKind.Other || record.Syscall == SyscallKind.Other))
        {
            _windows.Add(open with { ExitLine = number, Ret = record.Ret });
        }
    }
}
