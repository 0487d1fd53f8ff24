namespace MmReplay.Arrow.FlatBuffers;

/// <summary>A vector of references (tables or strings).</summary>
internal sealed class FbVector(List<FbNode> items) : FbNode
{
    public List<FbNode> Items { get; } = items;
}
