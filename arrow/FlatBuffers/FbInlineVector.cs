namespace MmReplay.Arrow.FlatBuffers;

/// <summary>A vector of structs or scalars stored inline; elements are aligned to <see cref="Alignment"/>.</summary>
internal sealed class FbInlineVector(byte[] bytes, int count, int alignment) : FbNode
{
    public byte[] Bytes { get; } = bytes;

    public int Count { get; } = count;

    public int Alignment { get; } = alignment;
}
