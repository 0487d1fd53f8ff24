using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;
using System.Threading.Channels;
using CsvHelper;
using Microsoft.Win32.SafeHandles;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Reads a plain CSV file on several cores: workers run the one-thread reader (<see cref="CsvTraceReader.ReadInPlace"/>)
/// over chunks split at line breaks (<see cref="CsvChunkPlanner"/>), and this thread stitches their output in file
/// order. Line numbers are the file's from the start: each worker counts its chunk's lines before parsing and passes
/// the running total on to the next chunk's worker. What else depends on earlier rows is carried across each seam by
/// the stitcher: data row numbers (defaults of time and write values), the last time (rows going backwards), device
/// ids and the order of rejects. It touches a batch's events only when one of those applies to it: events travel
/// between cores once, to the consumer, not twice. A chunk holding a quote or a bare carriage return may hide a record boundary: the
/// file is read from that chunk's start on as one stream (<see cref="ReadRest"/>). Workers run at most a window of chunks
/// ahead, so memory stays bounded.
/// </summary>
public sealed class CsvChunkReader
{
    private readonly string _path;
    private readonly string _file;
    private readonly TraceInfo _info;
    private readonly IRejectSink? _rejects;
    private readonly TraceReaderOptions _options;
    private readonly CsvColumns _columns;
    private readonly long _headerLine;
    private readonly Dictionary<string, int> _deviceIds = [];
    private long _linesBefore;
    private long _rowsRead;
    private long _eventsEmitted;
    private long _rowsRejected;
    private ulong _lastTime;
    private int _nextChunk;

    /// <summary>The lines before each chunk, set by the worker of the chunk before once it has counted its own.</summary>
    private TaskCompletionSource<long>[] _linesBeforeChunk = [];

    /// <summary>Renumbered-position lists of chunks already stitched, for the next chunks to fill.</summary>
    private readonly ConcurrentBag<List<long>> _spareLists = [];

    /// <param name="headerLine">The line the header ends on: the first chunk must hold it.</param>
    public CsvChunkReader(string path, string file, TraceInfo info, IRejectSink? rejects, TraceReaderOptions options,
        CsvColumns columns, long headerLine)
    {
        _path = path;
        _file = file;
        _info = info;
        _rejects = rejects;
        _options = options;
        _columns = columns;
        _headerLine = headerLine;
    }

    private bool HasTime => _columns.TimeNs >= 0;

    /// <summary>
    /// Reads the file into <paramref name="output"/>; false when it is too small for two chunks or its first chunk does
    /// not split, with nothing sent (read it as a stream).
    /// </summary>
    public bool Read(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        using var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(file);
        var count = CsvChunkPlanner.Count(length, _options.CsvChunkBytes);
        if (count < 2)
        {
            return false;
        }

        var rest = ReadChunks(file, length, count, output, cancel);
        if (rest == 0)
        {
            return false;
        }

        if (rest is { } start)
        {
            ReadRest(file, length, start, output, cancel);
        }

        return true;
    }

    /// <summary>Stitches the chunks in order as workers read them; the start of the first chunk that did not split, if any.</summary>
    private long? ReadChunks(SafeFileHandle file, long length, int count, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        var threads = _options.Parallelism > 0 ? _options.Parallelism : Environment.ProcessorCount;
        var results = new TaskCompletionSource<ChunkOutput>[count];
        _linesBeforeChunk = new TaskCompletionSource<long>[count];
        for (var k = 0; k < results.Length; k++)
        {
            results[k] = new TaskCompletionSource<ChunkOutput>();
            _linesBeforeChunk[k] = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        _linesBeforeChunk[0].SetResult(0);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var window = new SemaphoreSlim(2 * threads);

        // This thread is one of the readers: it parses a chunk whenever the one it must stitch next is not ready yet.
        // A separate stitcher would be a third thread on two cores, woken per chunk, taking turns with the workers.
        var workers = new Task[threads - 1];
        for (var w = 0; w < workers.Length; w++)
        {
            workers[w] = Task.Factory.StartNew(() => Work(file, length, results, window, stop.Token), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var stitched = 0;
        try
        {
            for (; stitched < count; stitched++)
            {
                var next = results[stitched].Task;
                while (!next.IsCompleted && window.Wait(0, stop.Token) && ReadNext(file, length, results, stop.Token))
                {
                }

                var chunk = next.GetAwaiter().GetResult();
                try
                {
                    if (!chunk.Parsed)
                    {
                        return chunk.Chunk.Start;
                    }

                    Stitch(chunk, output, cancel);
                }
                finally
                {
                    chunk.Release();
                    chunk.Renumbered.Clear();
                    _spareLists.Add(chunk.Renumbered);
                }

                window.Release();
            }

            return null;
        }
        finally
        {
            stop.Cancel();
            Task.WaitAll(workers, CancellationToken.None); // workers end on cancellation without throwing
            for (var k = stitched + 1; k < results.Length; k++)
            {
                if (results[k].Task.IsCompletedSuccessfully)
                {
                    results[k].Task.Result.Release();
                }
            }
        }
    }

    private void Work(SafeFileHandle file, long length, TaskCompletionSource<ChunkOutput>[] results, SemaphoreSlim window, CancellationToken stop)
    {
        while (true)
        {
            try
            {
                window.Wait(stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!ReadNext(file, length, results, stop))
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads the next chunk no one has taken, in a window slot the caller holds (kept when none is left: no one needs it); false
    /// when none is left or the read failed (its result holds the error).
    /// </summary>
    private bool ReadNext(SafeFileHandle file, long length, TaskCompletionSource<ChunkOutput>[] results, CancellationToken stop)
    {
        var k = Interlocked.Increment(ref _nextChunk) - 1;
        if (k >= results.Length)
        {
            return false;
        }

        try
        {
            results[k].SetResult(ReadChunk(file, length, k, stop));
            return true;
        }
        catch (Exception e)
        {
            results[k].SetException(e);
            return false;
        }
    }

    /// <summary>
    /// The one-thread reader over chunk <paramref name="k"/>, not strict (which reject is first is decided in order);
    /// not parsed when a line break in it may not end a record, or when it is the first and the header runs past it.
    /// </summary>
    private ChunkOutput ReadChunk(SafeFileHandle file, long fileLength, int k, CancellationToken stop)
    {
        var chunk = CsvChunkPlanner.Chunk(file, fileLength, _options.CsvChunkBytes, k);
        var length = checked((int)(chunk.End - chunk.Start));
        var text = ArrayPool<byte>.Shared.Rent(length);
        ChunkOutput output;
        try
        {
            length = CsvChunkPlanner.ReadFully(file, text.AsSpan(0, length), chunk.Start);
            var bytes = text.AsSpan(0, length);
            var lines = bytes.Count((byte)'\n');
            // Workers take chunks in order, so the one before has almost always counted its lines by now.
            var linesBefore = _linesBeforeChunk[k].Task.WaitAsync(stop).GetAwaiter().GetResult();
            if (k + 1 < _linesBeforeChunk.Length)
            {
                _linesBeforeChunk[k + 1].SetResult(linesBefore + lines);
            }

            var splits = bytes.IndexOfAny((byte)'"', (byte)'\r') < 0 && (k > 0 || lines >= _headerLine);
            output = new ChunkOutput(chunk, text, length, new TraceInfo(_path, TraceFormat.Csv, false, _info.PageSize, null))
            {
                Lines = lines,
                LinesBefore = linesBefore,
                Renumbered = _spareLists.TryTake(out var spare) ? spare : [],
                Parsed = splits,
            };
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(text);
            throw;
        }

        try
        {
            if (output.Parsed)
            {
                Parse(output, k == 0, chunk.End == fileLength, stop); // the last line may end the chunk before the last
            }

            return output;
        }
        catch
        {
            output.Release();
            throw;
        }
    }

    private void Parse(ChunkOutput output, bool first, bool last, CancellationToken stop)
    {
        var batches = Channel.CreateUnbounded<EventBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        using (var sequencer = new EventSequencer(output.Info, _file, output, _options with { Strict = false }, batches.Writer, () => 0, stop))
        {
            sequencer.HasTime = HasTime;
            sequencer.OnBackwards = output.NoteBackwards;
            sequencer.NumberLinesAfter(output.LinesBefore);
            sequencer.Renumbered = output.Renumbered;

            // Over the array itself: CsvHelper reads array-backed memory in place, where a stream would be copied.
            var text = output.Memory;
            using var csv = CsvReader.Create(text, CsvTraceReader.Options(sequencer, hasHeader: first));
            if (first)
            {
                csv.ReadHeader();
            }

            var parser = new CsvRowParser(_columns, _info.PageSize, sequencer.Devices);
            CsvTraceReader.ReadInPlace(csv, parser, sequencer, () => last && text.Length > 0 && text.Span[^1] != '\n', stop);
        }

        while (batches.Reader.TryRead(out var batch))
        {
            output.Batches.Add(batch);
        }
    }

    /// <summary>
    /// Reads the file from <paramref name="start"/> (the start of a chunk that did not split) to its end as one stream
    /// on this thread, carrying on the numbering, the last time and the device ids of the chunks before.
    /// </summary>
    private void ReadRest(SafeFileHandle file, long length, long start, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        PublishCounts(start);
        Span<byte> last = stackalloc byte[1];
        var endsMidRow = length > start && CsvChunkPlanner.ReadFully(file, last, length - 1) == 1 && last[0] is not ((byte)'\n' or (byte)'\r');
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        stream.Position = start;
        using var sequencer = new EventSequencer(_info, _file, _rejects, _options, output, () => stream.Position, cancel);
        sequencer.HasTime = HasTime;
        sequencer.ContinueAfter(_linesBefore, _rowsRead, _lastTime, DeviceId);
        using var csv = CsvReader.Create(stream, CsvTraceReader.Options(sequencer, hasHeader: false), leaveOpen: true);
        var parser = new CsvRowParser(_columns, _info.PageSize, sequencer.Devices);
        CsvTraceReader.ReadInPlace(csv, parser, sequencer, () => endsMidRow, cancel);
    }

    /// <summary>
    /// Hands on one chunk's events and rejects in order, renumbering what the chunk numbered from its own start. A batch
    /// is walked event by event only when it needs it (<see cref="NeedsWalk"/>); otherwise only its events with a
    /// device or a defaulted write value are renumbered, and the rest go on untouched.
    /// </summary>
    private void Stitch(ChunkOutput chunk, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        var devices = DeviceMap(chunk);
        var rejects = chunk.Rejects;
        var renumbered = chunk.Renumbered;
        var nextReject = 0;
        var nextRenumbered = 0;
        long position = 0; // the chunk's events passed so far, the position its rejects are recorded at
        for (var b = 0; b < chunk.Batches.Count; b++)
        {
            var batch = chunk.Batches[b]!;
            chunk.Batches[b] = null; // handed on below: Release must not give it back twice
            var events = batch.Filled;
            var end = position + events.Length;
            if (NeedsWalk(chunk, events, end, nextReject))
            {
                var kept = Walk(chunk, devices, events, ref position, ref nextReject);
                batch.Truncate(kept);
                _eventsEmitted += kept;
            }
            else
            {
                for (; nextRenumbered < renumbered.Count && renumbered[nextRenumbered] < end; nextRenumbered++)
                {
                    // The chunk's events went cold while it waited its turn: each renumbered one is a cache miss unless
                    // it is loaded a few ahead (measured: the renumbering was a tenth of the 2-thread read's CPU).
                    var ahead = nextRenumbered + RenumberPrefetch;
                    if (ahead < renumbered.Count && renumbered[ahead] < end)
                    {
                        Prefetch(ref events[(int)(renumbered[ahead] - position)]);
                    }

                    Renumber(chunk, devices, ref events[(int)(renumbered[nextRenumbered] - position)]);
                }

                // In order within the chunk and not below the seam: the batch's last time is the chunk's latest.
                _lastTime = events.Length > 0 && HasTime ? events[^1].TimeNs : _lastTime;
                position = end;
                _eventsEmitted += events.Length;
            }

            while (nextRenumbered < renumbered.Count && renumbered[nextRenumbered] < end)
            {
                nextRenumbered++; // walked
            }

            Send(batch, output, cancel);
        }

        chunk.Batches.Clear();
        while (nextReject < rejects.Count)
        {
            Reject(rejects[nextReject++]);
        }

        _rowsRead += chunk.Info.RowsRead;
        _linesBefore += chunk.Lines;
        PublishCounts(chunk.Chunk.End);
    }

    /// <summary>
    /// Whether a batch must be walked event by event: a reject falls among its events (it goes back between the right
    /// ones, with the last time before it), its times are row numbers (no time_ns column), or its first time is below
    /// the last time before the seam. Times within a chunk never go down (its reader rejected those rows), so the first
    /// event decides for the batch.
    /// </summary>
    private bool NeedsWalk(ChunkOutput chunk, ReadOnlySpan<TraceEvent> events, long end, int nextReject) =>
        (nextReject < chunk.Rejects.Count && chunk.Rejects[nextReject].EventsBefore < end)
        || !HasTime
        || (events.Length > 0 && events[0].TimeNs < _lastTime);

    /// <summary>How many renumbered events ahead the stitcher starts loading one.</summary>
    private const int RenumberPrefetch = 8;

    private static unsafe void Prefetch(ref TraceEvent ev)
    {
        if (Sse.IsSupported)
        {
            Sse.Prefetch0(Unsafe.AsPointer(ref ev));
        }
    }

    /// <summary>Gives an event the file's device id and, for a write without a value, the file's data row number.</summary>
    private void Renumber(ChunkOutput chunk, int[]? devices, ref TraceEvent ev)
    {
        ref readonly var spec = ref OpTable.Get(ev.Op);
        if (spec.IsWrite && !ev.HasValue)
        {
            ev.Value += (ulong)_rowsRead;
        }

        if (spec.UsesDevice && devices is not null)
        {
            ev.Device = GlobalDevice(chunk, devices, ev.Device);
        }
    }

    /// <summary>Renumbers a batch's events one by one, rejecting those below the last time before the seam; returns how many it kept.</summary>
    private int Walk(ChunkOutput chunk, int[]? devices, Span<TraceEvent> events, ref long position, ref int nextReject)
    {
        var rowsBefore = (ulong)_rowsRead;
        var rejects = chunk.Rejects;
        var kept = 0;
        for (var i = 0; i < events.Length; i++, position++)
        {
            while (nextReject < rejects.Count && rejects[nextReject].EventsBefore <= position)
            {
                Reject(rejects[nextReject++]);
            }

            ref var ev = ref events[i];
            if (!HasTime)
            {
                ev.TimeNs += rowsBefore;
            }
            else if (ev.TimeNs < _lastTime)
            {
                // In order within its chunk, but below the last time of an earlier chunk.
                var text = (chunk.LineFinder ??= new ChunkLines(chunk)).Text(ev.Line - chunk.LinesBefore);
                Reject(new Rejection(_file, ev.Line, "time_ns", $"time goes backwards ({ev.TimeNs} after {_lastTime})", text));
                continue;
            }
            else
            {
                _lastTime = ev.TimeNs;
            }

            Renumber(chunk, devices, ref ev);
            if (kept != i)
            {
                events[kept] = ev; // close the gap a reject left (rare: no copy otherwise)
            }

            kept++;
        }

        return kept;
    }

    /// <summary>
    /// The chunk's device ids mapped to the file's, filled as events are walked; null when they are the same (every
    /// device the chunk names already has the file id the chunk gave it), so no event needs its id changed.
    /// </summary>
    private int[]? DeviceMap(ChunkOutput chunk)
    {
        var names = chunk.Info.DeviceNames;
        for (var local = 0; local < names.Count; local++)
        {
            if (!_deviceIds.TryGetValue(names[local], out var id) || id != local)
            {
                var devices = new int[names.Count];
                Array.Fill(devices, -1);
                return devices;
            }
        }

        return null;
    }

    private int GlobalDevice(ChunkOutput chunk, int[] devices, int local)
    {
        if (devices[local] < 0)
        {
            devices[local] = DeviceId(chunk.Info.DeviceNames[local]);
        }

        return devices[local];
    }

    /// <summary>The file's id of the device named <paramref name="name"/>, given in order of first appearance.</summary>
    private int DeviceId(string name)
    {
        if (!_deviceIds.TryGetValue(name, out var id))
        {
            id = _info.AddDevice(name);
            _deviceIds.Add(name, id);
        }

        return id;
    }

    /// <summary>A chunk's reject (numbered in the file's lines already); one for time going backwards names the file's last time before it.</summary>
    private void Reject(ChunkReject reject)
    {
        var r = reject.Rejection;
        Reject(reject.BackwardsTime is { } time ? r with { Reason = $"time goes backwards ({time} after {_lastTime})" } : r);
    }

    private void Reject(in Rejection rejection)
    {
        _rowsRejected++;
        _rejects?.Reject(in rejection);
        if (_options.Strict)
        {
            PublishCounts(_info.BytesRead);
            throw new TraceRejectedException(rejection);
        }
    }

    private void PublishCounts(long bytesRead)
    {
        _info.SetCounts(_rowsRead, _eventsEmitted, _rowsRejected, 0);
        _info.SetBytesRead(bytesRead);
    }

    private static void Send(EventBatch batch, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        if (batch.Count == 0)
        {
            batch.Release();
            return;
        }

        try
        {
            BatchHandoff.Send(output, batch, cancel);
        }
        catch
        {
            batch.Release();
            throw;
        }
    }
}
