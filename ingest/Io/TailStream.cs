namespace MmReplay.Ingest.Io;

/// <summary>
/// A read-only pass-through that counts the bytes read and remembers the last eight, which is how the reader
/// tells a file that ends mid-row (no final line break) and checks a gzip trailer without seeking.
/// </summary>
public sealed class TailStream : ReadOnlyStream
{
    private ulong _tail;

    public TailStream(Stream inner)
        : base(inner)
    {
    }

    public long Position64 { get; private set; }

    /// <summary>The last eight bytes read, the latest in the top byte (little-endian order of the file).</summary>
    public ulong Tail => _tail;

    /// <summary>The last byte read, or -1 before any.</summary>
    public int LastByte => Position64 == 0 ? -1 : (int)(_tail >> 56);

    public override long Position
    {
        get => Position64;
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        var n = Inner.Read(buffer);
        Track(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Track(buffer.Span[..n]);
        return n;
    }

    private void Track(ReadOnlySpan<byte> read)
    {
        var start = Math.Max(0, read.Length - 8);
        for (var i = start; i < read.Length; i++)
        {
            _tail = (_tail >> 8) | ((ulong)read[i] << 56);
        }

        Position64 += read.Length;
    }
}
