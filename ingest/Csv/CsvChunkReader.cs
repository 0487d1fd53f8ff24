using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using CsvHelper;
using Microsoft.Win32.SafeHandles;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Reads a plain CSV file on several cores: workers run the one-thread reader (<see cref="CsvTraceReader.ReadInPlace"/>)
/// over chunks split at line breaks (<see cref="CsvChunkPlanner"/>), and this thread stitches their output in file
/// order (<see cref="ChunkStitcher"/>). Line numbers are the file's from the start: each worker counts its chunk's
/// lines before parsing and passes the running total on to the next chunk's worker. This thread also parses a chunk
/// whenever the one it must stitch next is not ready. A chunk holding a quote or a bare carriage return may hide a
/// record boundary: the file is read from that chunk's start on as one stream (<see cref="ReadRest"/>). Workers run at
/// most a window of chunks ahead, so memory stays bounded.
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
    private readonly ChunkStitcher _stitcher;
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
        _stitcher = new ChunkStitcher(file, info, rejects, options, HasTime);
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

                    _stitcher.Stitch(chunk, output, cancel);
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
            // A read that failed before counting its lines must still wake the next chunk's reader, which may be the
            // stitching thread itself (it would never get to the error): it fails in turn, after this one in order.
            if (k + 1 < _linesBeforeChunk.Length)
            {
                _linesBeforeChunk[k + 1].TrySetCanceled(CancellationToken.None);
            }

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
                _linesBeforeChunk[k + 1].TrySetResult(linesBefore + lines);
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
        _stitcher.PublishCounts(start);
        Span<byte> last = stackalloc byte[1];
        var endsMidRow = length > start && CsvChunkPlanner.ReadFully(file, last, length - 1) == 1 && last[0] is not ((byte)'\n' or (byte)'\r');
        using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan);
        stream.Position = start;
        using var sequencer = new EventSequencer(_info, _file, _rejects, _options, output, () => stream.Position, cancel);
        sequencer.HasTime = HasTime;
        _stitcher.CarryOn(sequencer);
        using var csv = CsvReader.Create(stream, CsvTraceReader.Options(sequencer, hasHeader: false), leaveOpen: true);
        var parser = new CsvRowParser(_columns, _info.PageSize, sequencer.Devices);
        CsvTraceReader.ReadInPlace(csv, parser, sequencer, () => endsMidRow, cancel);
    }
}
