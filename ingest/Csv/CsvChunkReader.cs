using System.Buffers;
using System.Threading.Channels;
using CsvHelper;
using Microsoft.Win32.SafeHandles;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Reads a plain CSV file on several cores: workers run the one-thread reader (<see cref="CsvTraceReader.ReadInPlace"/>)
/// over chunks split at line breaks (<see cref="CsvChunkPlanner"/>), each numbering from its own start, and this
/// thread stitches their output in file order, carrying across each seam what depends on earlier rows: line numbers,
/// data row numbers (defaults of time and write values), the last time (rows going backwards), device ids and the
/// order of rejects. Workers run at most a window of chunks ahead, so memory stays bounded.
/// </summary>
public sealed class CsvChunkReader
{
    private readonly string _path;
    private readonly string _file;
    private readonly TraceInfo _info;
    private readonly IRejectSink? _rejects;
    private readonly TraceReaderOptions _options;
    private readonly CsvColumns _columns;
    private readonly CsvChunk[] _chunks;
    private readonly Dictionary<string, int> _deviceIds = [];
    private long _rowsRead;
    private long _eventsEmitted;
    private long _rowsRejected;
    private ulong _lastTime;
    private int _nextChunk;

    public CsvChunkReader(string path, string file, TraceInfo info, IRejectSink? rejects, TraceReaderOptions options,
        CsvColumns columns, CsvChunk[] chunks)
    {
        _path = path;
        _file = file;
        _info = info;
        _rejects = rejects;
        _options = options;
        _columns = columns;
        _chunks = chunks;
    }

    private bool HasTime => _columns.TimeNs >= 0;

    public void Read(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        var threads = _options.Parallelism > 0 ? _options.Parallelism : Environment.ProcessorCount;
        var results = new TaskCompletionSource<ChunkOutput>[_chunks.Length];
        for (var k = 0; k < results.Length; k++)
        {
            results[k] = new TaskCompletionSource<ChunkOutput>();
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var window = new SemaphoreSlim(2 * threads);
        using var file = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var workers = new Task[threads];
        for (var w = 0; w < threads; w++)
        {
            workers[w] = Task.Factory.StartNew(() => Work(file, results, window, stop.Token), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }

        var stitched = 0;
        try
        {
            for (; stitched < _chunks.Length; stitched++)
            {
                var chunk = results[stitched].Task.GetAwaiter().GetResult();
                try
                {
                    Stitch(chunk, output, cancel);
                }
                finally
                {
                    chunk.Release();
                }

                window.Release();
            }
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

    private void Work(SafeFileHandle file, TaskCompletionSource<ChunkOutput>[] results, SemaphoreSlim window, CancellationToken stop)
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

            var k = Interlocked.Increment(ref _nextChunk) - 1;
            if (k >= _chunks.Length)
            {
                return;
            }

            try
            {
                results[k].SetResult(ReadChunk(file, k, stop));
            }
            catch (Exception e)
            {
                results[k].SetException(e);
                return;
            }
        }
    }

    /// <summary>The one-thread reader over chunk <paramref name="k"/>, not strict (which reject is first is decided in order).</summary>
    private ChunkOutput ReadChunk(SafeFileHandle file, int k, CancellationToken stop)
    {
        var chunk = _chunks[k];
        var length = checked((int)(chunk.End - chunk.Start));
        var text = ArrayPool<byte>.Shared.Rent(length);
        var output = new ChunkOutput(chunk, text, length, new TraceInfo(_path, TraceFormat.Csv, false, _info.PageSize, null));
        try
        {
            length = CsvChunkPlanner.ReadFully(file, text.AsSpan(0, length), chunk.Start);
            var batches = Channel.CreateUnbounded<EventBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
            using (var sequencer = new EventSequencer(output.Info, _file, output, _options with { Strict = false }, batches.Writer, () => 0, stop))
            {
                sequencer.HasTime = HasTime;
                sequencer.OnBackwards = output.NoteBackwards;
                using var csv = CsvReader.Create(new MemoryStream(text, 0, length, writable: false), CsvTraceReader.Options(sequencer, hasHeader: k == 0), leaveOpen: false);
                if (k == 0)
                {
                    csv.ReadHeader();
                }

                var parser = new CsvRowParser(_columns, _info.PageSize, sequencer.Devices);
                var last = k == _chunks.Length - 1;
                CsvTraceReader.ReadInPlace(csv, parser, sequencer, () => last && length > 0 && text[length - 1] != '\n', stop);
            }

            while (batches.Reader.TryRead(out var batch))
            {
                output.Batches.Add(batch);
            }

            return output;
        }
        catch
        {
            output.Release();
            throw;
        }
    }

    /// <summary>Renumbers one chunk's events and rejects into the file's numbering and sends them on, in order.</summary>
    private void Stitch(ChunkOutput chunk, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        var linesBefore = chunk.Chunk.LinesBefore;
        var rowsBefore = (ulong)_rowsRead;
        var devices = new int[chunk.Info.DeviceNames.Count];
        Array.Fill(devices, -1);
        var lines = new ChunkLines(chunk);
        var rejects = chunk.Rejects;
        var nextReject = 0;
        long position = 0; // the chunk's events passed so far, the position its rejects are recorded at
        for (var b = 0; b < chunk.Batches.Count; b++)
        {
            var batch = chunk.Batches[b]!;
            chunk.Batches[b] = null; // handed on below: Release must not give it back twice
            var events = batch.Filled;
            var kept = 0;
            for (var i = 0; i < events.Length; i++, position++)
            {
                while (nextReject < rejects.Count && rejects[nextReject].EventsBefore <= position)
                {
                    Reject(rejects[nextReject++], linesBefore);
                }

                ref var ev = ref events[i];
                if (!HasTime)
                {
                    ev.TimeNs += rowsBefore;
                }
                else if (ev.TimeNs < _lastTime)
                {
                    // In order within its chunk, but below the last time of an earlier chunk.
                    Reject(new Rejection(_file, ev.Line + linesBefore, "time_ns", $"time goes backwards ({ev.TimeNs} after {_lastTime})", lines.Text(ev.Line)));
                    continue;
                }
                else
                {
                    _lastTime = ev.TimeNs;
                }

                ev.Line += linesBefore;
                ref readonly var spec = ref OpTable.Get(ev.Op);
                if (spec.IsWrite && !ev.HasValue)
                {
                    ev.Value += rowsBefore;
                }

                if (spec.UsesDevice)
                {
                    ev.Device = GlobalDevice(chunk, devices, ev.Device);
                }

                if (kept != i)
                {
                    events[kept] = ev; // close the gap a reject left (rare: no copy otherwise)
                }

                kept++;
            }

            batch.Truncate(kept);
            _eventsEmitted += kept;
            Send(batch, output, cancel);
        }

        chunk.Batches.Clear();
        while (nextReject < rejects.Count)
        {
            Reject(rejects[nextReject++], linesBefore);
        }

        _rowsRead += chunk.Info.RowsRead;
        PublishCounts(chunk.Chunk.End);
    }

    private int GlobalDevice(ChunkOutput chunk, int[] devices, int local)
    {
        if (devices[local] < 0)
        {
            var name = chunk.Info.DeviceNames[local];
            if (!_deviceIds.TryGetValue(name, out var id))
            {
                id = _info.AddDevice(name);
                _deviceIds.Add(name, id);
            }

            devices[local] = id;
        }

        return devices[local];
    }

    private void Reject(ChunkReject reject, long linesBefore)
    {
        var r = reject.Rejection;
        var reason = reject.BackwardsTime is { } time ? $"time goes backwards ({time} after {_lastTime})" : r.Reason;
        Reject(r with { Line = r.Line + linesBefore, Reason = reason });
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
