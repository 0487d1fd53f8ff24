namespace MmReplay.Arrow;

/// <summary>How <see cref="ArrowReader"/> treats its input.</summary>
public sealed record ArrowReaderOptions
{
    /// <summary>
    /// Reject what pyarrow (Arrow C++ and its FlatBuffers verifier) would reject: misaligned scalars,
    /// strings without NUL, unaligned messages, blocks and buffers, bad string offsets and dictionary indices.
    /// Without it the reader accepts anything it can decode safely.
    /// </summary>
    public bool Strict { get; init; }
}
