namespace MmReplay.Arrow.FlatBuffers;

/// <summary>One table slot: an inline scalar of <see cref="Size"/> bytes, or (when <see cref="Child"/> is set) a 4-byte reference.</summary>
internal readonly record struct FbField(int Id, int Size, long Value, FbNode? Child)
{
    public int InlineSize => Child is null ? Size : 4;
}
