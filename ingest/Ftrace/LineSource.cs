namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Splits a stream into lines over one reusable buffer (vectorised newline search, no per-line allocation).
/// A line longer than <see cref="MaxLineBytes"/> is returned in pieces; the parser then reports them as malformed.
/// </summary>
internal sealed class LineSource
{
    public const int MaxLineBytes = 16 << 20;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public LineSource(Stream stream, int bufferBytes = 1 << 20)
    {
        _stream = stream;
        _buffer = new byte[bufferBytes];
    }

    /// <summary>Bytes consumed so far (for progress).</summary>
    public long Position { get; private set; }

    /// <summary>The next line without its <c>\n</c>; false at end of stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        var scanned = 0;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var nl = pending[scanned..].IndexOf((byte)'\n');
            if (nl >= 0)
            {
                nl += scanned;
                line = pending[..nl];
                _start += nl + 1;
                Position += nl + 1;
                return true;
            }

            scanned = pending.Length;
            if (_eof || (pending.Length >= MaxLineBytes))
            {
                if (pending.IsEmpty)
                {
                    line = default;
                    return false;
                }

                line = pending;
                _start = _end;
                Position += pending.Length;
                return true;
            }

            Fill();
        }
    }

    /// <summary>Reads more bytes after moving the pending tail to the front (offsets within the tail do not change).</summary>
    private void Fill()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Min(_buffer.Length * 2, MaxLineBytes + 1));
        }

        var read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (read == 0)
        {
            _eof = true;
        }

        _end += read;
    }
}
