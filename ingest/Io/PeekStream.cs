namespace MmReplay.Ingest.Io;

/// <summary>
/// A read-only stream that can look at its first bytes (magic numbers, header comments) before the real reader
/// starts, then hands them over unchanged: works on pipes and gzip streams, which cannot seek back.
/// </summary>
public sealed class PeekStream : ReadOnlyStream
{
    private byte[] _head = [];
    private int _headStart;
    private int _headEnd;

    public PeekStream(Stream inner)
        : base(inner)
    {
    }

    /// <summary>The first <paramref name="count"/> bytes of the stream (fewer when it is shorter). Only before reading.</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_headStart != 0)
        {
            throw new InvalidOperationException("Peek is only possible before the stream is read.");
        }

        if (_head.Length < count)
        {
            Array.Resize(ref _head, count);
        }

        while (_headEnd < count)
        {
            var n = Inner.Read(_head, _headEnd, count - _headEnd);
            if (n == 0)
            {
                break;
            }

            _headEnd += n;
        }

        return _head.AsSpan(0, Math.Min(count, _headEnd));
    }

    public override int Read(Span<byte> buffer)
    {
        if (_headStart < _headEnd)
        {
            var n = Math.Min(buffer.Length, _headEnd - _headStart);
            _head.AsSpan(_headStart, n).CopyTo(buffer);
            _headStart += n;
            return n;
        }

        return Inner.Read(buffer);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_headStart < _headEnd)
        {
            return Read(buffer.Span);
        }

        return await Inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
    }
}
