using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// The single ordering stage after the (possibly parallel) row parsers: it numbers data rows, checks that time
/// does not go backwards, fills in defaults that depend on row order (write value, time without a time_ns column),
/// gives devices their final ids in order of first appearance, sends rejects in line order, and packs events into
/// batches for the channel. Everything here happens in trace order on one thread, so the output is deterministic.
/// </summary>
public sealed class EventSequencer : IDisposable
{
    private readonly TraceInfo _info;
    private readonly string _file;
    private readonly IRejectSink? _rejects;
    private readonly TraceReaderOptions _options;
    private readonly ChannelWriter<EventBatch> _output;
    private readonly CancellationToken _cancel;
    private readonly Func<long> _bytesRead;
    private readonly List<int> _finalDevice = [];
    private Func<string, int>? _deviceId;
    private EventBatch? _batch;
    private long _linesBefore;
    private long _dataRow;
    private ulong _lastTime;
    private int _skippedQueued;
    private int _skippedTaken;
    private int _capturesQueued;
    private int _capturesTaken;

    public EventSequencer(TraceInfo info, string file, IRejectSink? rejects, TraceReaderOptions options,
        ChannelWriter<EventBatch> output, Func<long> bytesRead, CancellationToken cancel)
    {
        _info = info;
        _file = file;
        _rejects = rejects;
        _options = options;
        _output = output;
        _bytesRead = bytesRead;
        _cancel = cancel;
    }

    /// <summary>Whether the trace has a time_ns column (else time is the data row number).</summary>
    public bool HasTime { get; set; }

    public DeviceRegistry Devices { get; } = new();

    /// <summary>Told the time of a row before it is rejected for going backwards (a chunk's reject is reworded at stitch time).</summary>
    public Action<ulong>? OnBackwards { get; set; }

    /// <summary>Filled by the scanning thread (<see cref="Skip"/>), ahead of the rows that follow them.</summary>
    private ConcurrentQueue<SkippedRecord> Skipped { get; } = new();

    /// <summary>Reads a row's text back from the file when no capture kept it (plain files read in parallel).</summary>
    public RawRecordReader? RawRecords { get; set; }

    /// <summary>Filled by the scanning thread (<see cref="Capture"/>), ahead of the rows they belong to.</summary>
    private ConcurrentQueue<RawCapture> Captures { get; } = new();

    /// <summary>The text of a row whose time is below an earlier row's, from the scanning thread, in input order.</summary>
    public void Capture(RawCapture capture)
    {
        Captures.Enqueue(capture);
        Interlocked.Increment(ref _capturesQueued);
    }

    /// <summary>A record CsvHelper skipped (bad quoting), from the scanning thread, in input order.</summary>
    public void Skip(SkippedRecord record)
    {
        Skipped.Enqueue(record);
        Interlocked.Increment(ref _skippedQueued);
    }

    /// <summary>Whether no skipped record lies after <paramref name="line"/> (call once the input is exhausted).</summary>
    public bool NothingSkippedAfter(long line) => Skipped.IsEmpty || Skipped.Last().Line < line;

    /// <summary>
    /// Carries on a read another stage began (the rest of a file read in chunks, from a chunk it could not split):
    /// rows and rejects are numbered after <paramref name="linesBefore"/> lines and <paramref name="dataRows"/> data
    /// rows, time may not go below <paramref name="lastTime"/>, and a device gets its id from <paramref name="deviceId"/>.
    /// </summary>
    public void ContinueAfter(long linesBefore, long dataRows, ulong lastTime, Func<string, int> deviceId)
    {
        (_linesBefore, _dataRow, _lastTime, _deviceId) = (linesBefore, dataRows, lastTime, deviceId);
    }

    /// <summary>Numbers rows and rejects after <paramref name="linesBefore"/> lines (a chunk read apart from the lines before it).</summary>
    public void NumberLinesAfter(long linesBefore) => _linesBefore = linesBefore;

    /// <summary>
    /// When set (a chunk's reader), collects the positions among the emitted events of those numbered by the chunk
    /// alone: a device's id, a write's value defaulted to the data row. The stitcher renumbers just these.
    /// </summary>
    public List<long>? Renumbered { get; set; }

    /// <summary>
    /// The one-thread path: counts the row at <paramref name="line"/> and returns a cleared slot in the current batch
    /// for the parser to fill in place; then call <see cref="Accept"/>, or <see cref="Drop"/> when the row is bad.
    /// </summary>
    public ref TraceEvent Next(long line)
    {
        Count(line);
        ref var ev = ref (_batch ??= new EventBatch(_options.BatchSize)).Add();
        ev.Line = _linesBefore + line;
        return ref ev;
    }

    /// <summary>Gives back the slot of the row <see cref="Next"/> placed (it failed to parse; reject it with <see cref="Reject(RowError, long, bool)"/>).</summary>
    public void Drop() => _batch!.RemoveLast();

    /// <summary>
    /// Keeps the event <see cref="Next"/> placed: fills in what depends on row order and sends the batch when full.
    /// False when its time goes backwards: the slot stays until <see cref="RejectBackwards"/> gives it back.
    /// </summary>
    public bool Accept(ref TraceEvent ev)
    {
        if (!HasTime)
        {
            ev.TimeNs = (ulong)_dataRow;
        }
        else if (ev.TimeNs < _lastTime)
        {
            return false;
        }
        else
        {
            _lastTime = ev.TimeNs;
        }

        ref readonly var spec = ref OpTable.Get(ev.Op);
        if (spec.IsWrite && !ev.HasValue)
        {
            DefaultWriteValue(ref ev);
        }

        if (spec.UsesDevice)
        {
            ev.Device = FinalDevice(ev.Device);
        }

        _info.CountEmitted();
        if (_batch!.IsFull)
        {
            Flush();
        }

        return true;
    }

    /// <summary>A write with no value argument writes its data row number (rare: kept out of the hot loop).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void DefaultWriteValue(ref TraceEvent ev)
    {
        ev.Value = (ulong)_dataRow;
        NoteRenumbered();
    }

    /// <summary>Notes the event being accepted (the next emitted) as numbered by this reader alone; once per event.</summary>
    private void NoteRenumbered()
    {
        if (Renumbered is { } renumbered && (renumbered.Count == 0 || renumbered[^1] != _info.EventsEmitted))
        {
            renumbered.Add(_info.EventsEmitted);
        }
    }

    /// <summary>Rejects the event <see cref="Accept"/> refused (time going backwards), quoting <paramref name="raw"/>.</summary>
    public void RejectBackwards(in TraceEvent ev, string raw)
    {
        var (line, time) = (ev.Line, ev.TimeNs);
        _batch!.RemoveLast();
        OnBackwards?.Invoke(time);
        Reject(line, "time_ns", $"time goes backwards ({time} after {_lastTime})", raw);
    }

    /// <summary>Rejects a row that failed to parse (already counted by <see cref="Next"/> or <see cref="Add"/>).</summary>
    public void Reject(RowError error, long line, bool endsMidRow) =>
        Reject(_linesBefore + line, error.Column, endsMidRow ? "file ends mid-row: " + error.Reason : error.Reason, error.Raw);

    /// <summary>The parallel path: takes the next parsed row in trace order; <paramref name="endsMidRow"/> marks the last row of a file with no final line break.</summary>
    public void Add(in ParsedRow row, bool endsMidRow)
    {
        var line = row.Event.Line;
        Count(line);
        if (row.Error is { } error)
        {
            Reject(error, line, endsMidRow);
            return;
        }

        // Copied into its slot whole: no clearing first, which is time on the one thread every row goes through.
        ref var ev = ref (_batch ??= new EventBatch(_options.BatchSize)).Add(in row.Event);
        var raw = TakeCapture(row.RecordNumber);
        if (!Accept(ref ev))
        {
            RejectBackwards(in ev, raw ?? RawRecords?.Read(row.ByteOffset, row.RawLength) ?? "");
        }
    }

    /// <summary>Rejects the records skipped after the last row and sends the last batch.</summary>
    public void Complete(bool endsMidRow)
    {
        DrainSkipped(long.MaxValue, endsMidRow);
        Flush();
    }

    public void Dispose()
    {
        _batch?.Release();
        _batch = null;
    }

    /// <summary>Counts the data row at <paramref name="line"/>, after the skipped records that precede it.</summary>
    private void Count(long line)
    {
        DrainSkipped(line, endsMidRow: false);
        _dataRow++;
        _info.CountRead();
    }

    private void DrainSkipped(long beforeLine, bool endsMidRow)
    {
        // A counter, not the queue, on the per-row path: ConcurrentQueue.IsEmpty per row showed in profiles (about 1%).
        if (Volatile.Read(ref _skippedQueued) == _skippedTaken)
        {
            return;
        }

        while (Skipped.TryPeek(out var skipped) && skipped.Line < beforeLine)
        {
            Skipped.TryDequeue(out _);
            _skippedTaken++;
            _dataRow++;
            _info.CountRead();
            var last = endsMidRow && Skipped.IsEmpty;
            var reason = last && !skipped.Reason.StartsWith("file ends", StringComparison.Ordinal)
                ? "file ends mid-row: " + skipped.Reason
                : skipped.Reason;
            Reject(_linesBefore + skipped.Line, "", reason, skipped.Raw);
        }
    }

    private string? TakeCapture(long recordNumber)
    {
        string? raw = null;
        while (Volatile.Read(ref _capturesQueued) != _capturesTaken && Captures.TryPeek(out var capture) && capture.RecordNumber <= recordNumber)
        {
            Captures.TryDequeue(out _);
            _capturesTaken++;
            if (capture.RecordNumber == recordNumber)
            {
                raw = capture.Raw;
            }
        }

        return raw;
    }

    [MethodImpl(MethodImplOptions.NoInlining)] // a device row is rare: kept out of the hot loop
    private int FinalDevice(int provisional)
    {
        NoteRenumbered();
        while (_finalDevice.Count <= provisional)
        {
            _finalDevice.Add(-1);
        }

        if (_finalDevice[provisional] < 0)
        {
            var name = Devices.Name(provisional);
            _finalDevice[provisional] = _deviceId is null ? _info.AddDevice(name) : _deviceId(name);
        }

        return _finalDevice[provisional];
    }

    private void Reject(long line, string column, string reason, string raw)
    {
        var rejection = new Rejection(_file, line, column, reason, raw);
        _info.CountRejected();
        _rejects?.Reject(in rejection);
        if (_options.Strict)
        {
            throw new TraceRejectedException(rejection);
        }
    }

    private void Flush()
    {
        _info.SetBytesRead(_bytesRead());
        if (_batch is not { Count: > 0 } batch)
        {
            return;
        }

        _batch = null;
        try
        {
            BatchHandoff.Send(_output, batch, _cancel);
        }
        catch
        {
            batch.Release();
            throw;
        }
    }
}
