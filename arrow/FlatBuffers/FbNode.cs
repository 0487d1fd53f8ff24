namespace MmReplay.Arrow.FlatBuffers;

/// <summary>Something a FlatBuffers table field can point at: a table, a string or a vector.</summary>
internal abstract class FbNode
{
}
