using System.Buffers;

namespace MmReplay.Ingest.Ftrace;

/// <summary>A block of whole lines and, once a worker has parsed it, one <see cref="ParsedLine"/> per line.</summary>
internal sealed class ParsedChunk
{
    public ParsedChunk(byte[] data, int length)
    {
        Data = data;
        Length = length;
        Lines = [];
    }

    /// <summary>Pooled bytes; [0, Length) holds whole lines (the last one may lack its newline at the end of input).</summary>
    public byte[] Data { get; private set; }

    public int Length { get; }

    public ParsedLine[] Lines { get; private set; }

    public int Count { get; private set; }

    /// <summary>Index of the next line the mapping thread takes (parsed chunks).</summary>
    public int Next { get; set; }

    /// <summary>Byte offset of the next line (chunks the mapping thread parses itself, without the line array).</summary>
    public int Offset { get; set; }

    public bool IsParsed { get; private set; }

    public bool IsExhausted => IsParsed ? Next == Count : Offset >= Length;

    /// <summary>Splits and parses every line (runs on a worker; touches nothing shared).</summary>
    public ParsedChunk Parse()
    {
        var text = Data.AsSpan(0, Length);
        Lines = ArrayPool<ParsedLine>.Shared.Rent(text.Count((byte)'\n') + 1);
        var start = 0;
        while (start < text.Length)
        {
            var nl = text[start..].IndexOf((byte)'\n');
            var length = nl < 0 ? text.Length - start : nl;
            Lines[Count++].Parse(text, start, length);
            start += length + 1;
        }

        IsParsed = true;
        return this;
    }

    public void Release()
    {
        ArrayPool<byte>.Shared.Return(Data);
        if (IsParsed)
        {
            // Not cleared: the only reference a line holds is a constant reason string, and a megabyte per block counts.
            ArrayPool<ParsedLine>.Shared.Return(Lines);
        }

        Data = [];
        Lines = [];
    }
}
