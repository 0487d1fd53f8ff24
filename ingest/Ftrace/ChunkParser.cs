using System.Buffers;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Cuts the input into blocks of whole lines and parses them on <c>parallelism</c> threads, the caller's included:
/// <c>parallelism - 1</c> background workers, and the caller, which maps the blocks strictly in input order (so line
/// numbers and event order are those of the file) and parses later blocks whenever its next one is not ready yet.
/// Each parser reads its block itself (reads take turns under a lock and claim the next place in the hand-off queue
/// as they read). With parallelism 1 blocks are handed out unparsed: the caller parses each line as it maps it,
/// which saves storing and reloading the parsed fields. Memory is bounded by the blocks in flight.
/// </summary>
internal sealed class ChunkParser
{
    /// <summary>A longer line is handed out in pieces (the parser then reports them as malformed).</summary>
    public const int MaxLineBytes = 16 << 20;

    private const int BlocksInFlightPerWorker = 2;

    private readonly Stream _stream;
    private readonly int _parallelism;
    private readonly int _chunkBytes;
    private readonly Queue<TaskCompletionSource<ParsedChunk?>> _inFlight = new();
    private readonly Queue<TaskCompletionSource<ParsedChunk?>> _unclaimed = new();
    private readonly Lock _readLock = new();
    private readonly Action _work;
    private byte[] _carry = [];
    private int _carryLength;
    private bool _eof;
    private bool _failed;
    private int _running;

    public ChunkParser(Stream stream, int parallelism, int chunkBytes)
    {
        _stream = stream;
        _chunkBytes = Math.Max(16, chunkBytes);
        _parallelism = parallelism < 1 ? Environment.ProcessorCount : parallelism;
        _work = BackgroundWork;
    }

    /// <summary>Bytes of the blocks handed out so far (for progress).</summary>
    public long Position { get; private set; }

    /// <summary>The next block in input order (parsed when parallel); false at the end of the input.</summary>
    public bool TryNext(out ParsedChunk chunk)
    {
        if (_parallelism == 1)
        {
            chunk = ReadChunk()!;
            return Handed(chunk);
        }

        Refill();
        var next = _inFlight.Peek();
        // Mapping is faster than parsing: while its next block is still being parsed, the mapping thread parses
        // later ones instead of sleeping, so it is one of the parallel workers and no core idles.
        while (!next.Task.IsCompleted && ParseOne(background: false))
        {
        }

        _inFlight.Dequeue();
        chunk = next.Task.GetAwaiter().GetResult()!;
        return Handed(chunk);
    }

    /// <summary>Opens places up to the window and starts a background worker if fewer than <c>parallelism - 1</c> run.</summary>
    private void Refill()
    {
        var start = false;
        lock (_readLock)
        {
            // Several places per parser: background workers run on while the mapping thread maps.
            while (_inFlight.Count < BlocksInFlightPerWorker * _parallelism)
            {
                var place = new TaskCompletionSource<ParsedChunk?>();
                _unclaimed.Enqueue(place);
                _inFlight.Enqueue(place);
            }

            if (_running < _parallelism - 1)
            {
                _running++;
                start = true;
            }
        }

        if (start)
        {
            Task.Run(_work);
        }
    }

    /// <summary>A background worker: parses blocks until no place is open (the mapping thread starts it again).</summary>
    private void BackgroundWork()
    {
        while (ParseOne(background: true))
        {
        }
    }

    /// <summary>
    /// Reads the next block and claims the oldest open place in one step, then parses it; false when no place is open
    /// (a background worker then counts itself out, under the same lock the mapping thread counts workers in).
    /// </summary>
    private bool ParseOne(bool background)
    {
        TaskCompletionSource<ParsedChunk?>? result;
        ParsedChunk? chunk;
        lock (_readLock)
        {
            if (!_unclaimed.TryDequeue(out result))
            {
                _running -= background ? 1 : 0;
                return false;
            }

            try
            {
                chunk = _failed ? null : ReadChunk();
            }
            catch (Exception e)
            {
                // Later places get the end of input; the mapping thread meets the error first, in order.
                _failed = true;
                result.SetException(e);
                return true;
            }
        }

        try
        {
            result.SetResult(chunk?.Parse());
        }
        catch (Exception e)
        {
            result.SetException(e);
        }

        return true;
    }

    private bool Handed(ParsedChunk? chunk)
    {
        if (chunk is null)
        {
            return false;
        }

        Position += chunk.Length;
        return true;
    }

    /// <summary>The next block: whole lines up to the last newline read; a line longer than the cap comes in pieces.</summary>
    private ParsedChunk? ReadChunk()
    {
        if (_eof && _carryLength == 0)
        {
            return null;
        }

        var size = Math.Max(_chunkBytes, _carryLength * 2);
        var data = ArrayPool<byte>.Shared.Rent(size);
        _carry.AsSpan(0, _carryLength).CopyTo(data);
        var filled = _carryLength;
        var scanned = 0;
        while (true)
        {
            while (!_eof && filled < data.Length)
            {
                var read = _stream.Read(data, filled, data.Length - filled);
                _eof = read == 0;
                filled += read;
            }

            var last = data.AsSpan(scanned, filled - scanned).LastIndexOf((byte)'\n');
            if (last >= 0 || _eof || filled > MaxLineBytes)
            {
                var end = last >= 0 ? scanned + last + 1 : filled;
                Keep(data.AsSpan(end, filled - end));
                return end == 0 ? Empty(data) : new ParsedChunk(data, end);
            }

            // One line fills the block: grow it (up to the line cap) and read on.
            scanned = filled;
            var bigger = ArrayPool<byte>.Shared.Rent(data.Length * 2);
            data.AsSpan(0, filled).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(data);
            data = bigger;
        }
    }

    private static ParsedChunk? Empty(byte[] data)
    {
        ArrayPool<byte>.Shared.Return(data);
        return null;
    }

    private void Keep(ReadOnlySpan<byte> tail)
    {
        if (_carry.Length < tail.Length)
        {
            _carry = new byte[Math.Max(tail.Length, 4096)];
        }

        tail.CopyTo(_carry);
        _carryLength = tail.Length;
    }
}
