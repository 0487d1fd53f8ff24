using System.Buffers;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// What one chunk's reader produced, with everything numbered from the chunk's start (lines, data rows, devices):
/// its batches, its rejects in order, its line count, and its text, kept to quote rows the stitcher rejects.
/// </summary>
public sealed class ChunkOutput(CsvChunk chunk, byte[] text, int length, TraceInfo localInfo) : IRejectSink
{
    private ulong? _backwardsTime;

    public CsvChunk Chunk { get; } = chunk;

    /// <summary>The line breaks in the chunk: the stitcher numbers the next chunk's lines after them.</summary>
    public long Lines { get; init; }

    /// <summary>The lines of the file before the chunk: its rows and rejects are numbered after them.</summary>
    public long LinesBefore { get; init; }

    /// <summary>
    /// Positions among the chunk's events of those with a device id or a defaulted write value (the chunk's own
    /// numbering). Reused from chunk to chunk: a new one per chunk grew past the large-object size and, collected only
    /// with the oldest generation, made resident memory grow with the file (measured: 187 MB at 1 GB against 112 MB at 100 MB).
    /// </summary>
    public List<long> Renumbered { get; init; } = [];

    /// <summary>The line finder for quoting rows the stitcher rejects, made on first use.</summary>
    public ChunkLines? LineFinder { get; set; }

    /// <summary>
    /// False when the chunk was not parsed, because a line break in it may not end a record (it holds a quote, or a
    /// bare carriage return, which CsvHelper counts as a line), or because the header does not end in the first chunk.
    /// </summary>
    public bool Parsed { get; init; } = true;

    /// <summary>Counts and device names (in order of first appearance) of this chunk alone.</summary>
    public TraceInfo Info { get; } = localInfo;

    /// <summary>In order; the stitcher clears each entry it hands on.</summary>
    public List<EventBatch?> Batches { get; } = [];

    public List<ChunkReject> Rejects { get; } = [];

    /// <summary>The chunk's bytes (a pooled array: <see cref="Release"/> gives it back).</summary>
    public ReadOnlySpan<byte> Text => text.AsSpan(0, length);

    /// <summary>The chunk's bytes, as memory over the array (for CsvHelper to read in place).</summary>
    public ReadOnlyMemory<byte> Memory => text.AsMemory(0, length);

    /// <summary>Called by the chunk's sequencer just before it rejects a row whose time goes backwards.</summary>
    public void NoteBackwards(ulong time) => _backwardsTime = time;

    public void Reject(in Rejection r)
    {
        Rejects.Add(new ChunkReject(r, Info.EventsEmitted, _backwardsTime));
        _backwardsTime = null;
    }

    /// <summary>Returns the text and any batches not handed on (a read that stopped early).</summary>
    public void Release()
    {
        foreach (var batch in Batches)
        {
            batch?.Release();
        }

        Batches.Clear();
        ArrayPool<byte>.Shared.Return(text);
    }
}
