using Microsoft.Win32.SafeHandles;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Splits a plain CSV file into chunks at line breaks, each found by the worker that reads the chunk: chunk k runs from
/// the first line start at or after k × chunk size to the first one at or after (k + 1) × chunk size, so neighbours
/// agree on their seam by looking at a few bytes, with no pass over the file ahead of the workers. Whether a seam is
/// a record boundary (no quoted field hides it) is for the reader to check, in order (<see cref="CsvChunkReader"/>).
/// </summary>
public static class CsvChunkPlanner
{
    private const int ProbeBytes = 4096;

    /// <summary>How many chunks a file of <paramref name="length"/> bytes has (fewer than two: read it as a stream).</summary>
    public static int Count(long length, int chunkBytes) => (int)Math.Min(int.MaxValue, (length + chunkBytes - 1) / chunkBytes);

    /// <summary>Chunk <paramref name="k"/> of the file (empty when one line spans its whole segment).</summary>
    public static CsvChunk Chunk(SafeFileHandle file, long length, int chunkBytes, int k) =>
        new(LineStart(file, length, (long)k * chunkBytes), LineStart(file, length, ((long)k + 1) * chunkBytes));

    /// <summary>The first line start at or after <paramref name="offset"/>: just after a line break (the file's end when none follows).</summary>
    internal static long LineStart(SafeFileHandle file, long length, long offset)
    {
        if (offset <= 0 || offset >= length)
        {
            return Math.Clamp(offset, 0, length);
        }

        Span<byte> probe = stackalloc byte[ProbeBytes];
        for (var at = offset - 1; at < length; at += ProbeBytes)
        {
            var bytes = probe[..ReadFully(file, probe, at)];
            var lineBreak = bytes.IndexOf((byte)'\n');
            if (lineBreak >= 0)
            {
                return at + lineBreak + 1;
            }

            if (bytes.Length < ProbeBytes)
            {
                break;
            }
        }

        return length;
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
}
