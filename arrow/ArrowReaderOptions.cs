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

    /// <summary>
    /// Read every record batch body into the same array (dictionary bodies excepted): a batch's columns are then only
    /// valid until the next batch is read. For readers that copy each batch out at once (the Arrow trace reader);
    /// it spares a fresh multi-megabyte array per batch, whose page faults and zeroing cost more than the read.
    /// </summary>
    internal bool ReuseBatchBodies { get; init; }
}
