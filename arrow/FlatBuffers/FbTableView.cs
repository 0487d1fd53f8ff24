namespace MmReplay.Arrow.FlatBuffers;

/// <summary>One table of an untrusted flatbuffer: fields by slot id, defaults for absent slots.</summary>
internal readonly struct FbTableView(FbReader reader, int position, int vtable, int vtableSize, int inlineSize, int depth)
{
    public FbReader Reader => reader;

    public int Position => position;

    public bool Has(int id) => Slot(id) != 0;

    public byte Byte(int id, byte fallback = 0) => Field(id, 1) is var p and > 0 ? reader.U8(p) : fallback;

    public bool Bool(int id, bool fallback = false) => Field(id, 1) is var p and > 0 ? reader.U8(p) != 0 : fallback;

    public short Short(int id, short fallback = 0) => Field(id, 2) is var p and > 0 ? (short)reader.U16(p) : fallback;

    public int Int(int id, int fallback = 0) => Field(id, 4) is var p and > 0 ? reader.I32(p) : fallback;

    public long Long(int id, long fallback = 0) => Field(id, 8) is var p and > 0 ? reader.I64(p) : fallback;

    public FbTableView? Table(int id) =>
        Field(id, 4) is var p and > 0 ? reader.Table(reader.ReadUOffsetTarget(p), depth + 1) : null;

    public string? String(int id) => Field(id, 4) is var p and > 0 ? reader.String(reader.ReadUOffsetTarget(p)) : null;

    /// <summary>Position of the vector's first element and its count, or (0, 0) when absent.</summary>
    public (int Start, int Count) Vector(int id, int elementSize)
    {
        if (Field(id, 4) is not (var p and > 0))
        {
            return (0, 0);
        }

        var target = reader.ReadUOffsetTarget(p);
        return (target + 4, reader.VectorLength(target, elementSize));
    }

    /// <summary>Element <paramref name="index"/> of a vector of tables.</summary>
    public FbTableView TableAt(int start, int index)
    {
        var slot = start + (4 * index);
        return reader.Table(reader.ReadUOffsetTarget(slot), depth + 1);
    }

    private int Slot(int id) => 4 + (2 * id) < vtableSize ? reader.U16(vtable + 4 + (2 * id)) : 0;

    /// <summary>Absolute position of a present field of <paramref name="size"/> bytes, or 0 when absent.</summary>
    private int Field(int id, int size)
    {
        var slot = Slot(id);
        if (slot == 0)
        {
            return 0;
        }

        if (slot + size > inlineSize)
        {
            throw reader.Error($"field {id} lies outside its table", position);
        }

        var at = position + slot;
        if (reader.Strict && at % size != 0)
        {
            throw reader.Error($"field {id} ({size}-byte scalar) misaligned", at);
        }

        return at;
    }
}
