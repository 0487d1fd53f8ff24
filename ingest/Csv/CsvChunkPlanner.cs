using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Splits a plain CSV file into chunks at line breaks, for readers that parse chunks at once. A line break is a
/// record boundary unless it lies inside a quoted field, which RFC 4180 allows (trace-format.md); rather than
/// guess at quoting, a file with any quote or bare carriage return (CsvHelper counts lines on it) is not split.
/// One parallel pass at memory speed finds both, and counts the lines before each chunk for true line numbers.
/// </summary>
public static class CsvChunkPlanner
{
    /// <summary>The chunks, in order, or null when the file is not safe to split or too small for two chunks.</summary>
    public static CsvChunk[]? Plan(string path, int chunkBytes, int threads)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        var length = RandomAccess.GetLength(file);
        var segments = (int)Math.Min(int.MaxValue, (length + chunkBytes - 1) / chunkBytes);
        if (segments < 2)
        {
            return null;
        }

        var scans = new SegmentScan[segments];
        var unsafeToSplit = 0;
        Parallel.For(0, segments, new ParallelOptions { MaxDegreeOfParallelism = threads }, (k, state) =>
        {
            scans[k] = Scan(file, (long)k * chunkBytes, (int)Math.Min(chunkBytes, length - ((long)k * chunkBytes)));
            if (scans[k].HasQuoteOrCr)
            {
                Volatile.Write(ref unsafeToSplit, 1);
                state.Stop();
            }
        });
        if (unsafeToSplit != 0)
        {
            return null;
        }

        // Chunk k starts after the first line break of segment k (merged into the chunk before when it has none).
        var chunks = new List<CsvChunk>(segments);
        long start = 0, linesBefore = 0, lines = 0;
        for (var k = 0; k < segments; k++)
        {
            var firstBreak = scans[k].FirstLineBreak;
            if (k > 0 && firstBreak >= 0 && firstBreak + 1 < length)
            {
                chunks.Add(new CsvChunk(start, firstBreak + 1, linesBefore));
                (start, linesBefore) = (firstBreak + 1, lines + 1);
            }

            lines += scans[k].LineBreaks;
        }

        chunks.Add(new CsvChunk(start, length, linesBefore));
        return chunks.Count < 2 ? null : [.. chunks];
    }

    private static SegmentScan Scan(SafeFileHandle file, long offset, int count)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            var bytes = buffer.AsSpan(0, ReadFully(file, buffer.AsSpan(0, count), offset));
            if (bytes.IndexOfAny((byte)'"', (byte)'\r') >= 0)
            {
                return new SegmentScan(-1, 0, HasQuoteOrCr: true);
            }

            var first = bytes.IndexOf((byte)'\n');
            return new SegmentScan(first < 0 ? -1 : offset + first, bytes.Count((byte)'\n'), HasQuoteOrCr: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads <paramref name="into"/>.Length bytes at <paramref name="offset"/> (fewer only at the end of the file).</summary>
    internal static int ReadFully(SafeFileHandle file, Span<byte> into, long offset)
    {
        var read = 0;
        while (read < into.Length)
        {
            var n = RandomAccess.Read(file, into[read..], offset + read);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return read;
    }

    private readonly record struct SegmentScan(long FirstLineBreak, int LineBreaks, bool HasQuoteOrCr);
}
