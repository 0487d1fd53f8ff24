namespace MmReplay.Arrow.FlatBuffers;

/// <summary>A FlatBuffers table under construction: slot id → scalar or child object.</summary>
internal sealed class FbTable : FbNode
{
    public List<FbField> Fields { get; } = [];

    public FbTable Byte(int id, byte value) => Add(new FbField(id, 1, value, null));

    public FbTable Bool(int id, bool value) => Add(new FbField(id, 1, value ? 1 : 0, null));

    public FbTable Short(int id, short value) => Add(new FbField(id, 2, value, null));

    public FbTable Int(int id, int value) => Add(new FbField(id, 4, value, null));

    public FbTable Long(int id, long value) => Add(new FbField(id, 8, value, null));

    public FbTable Ref(int id, FbNode child) => Add(new FbField(id, 4, 0, child));

    private FbTable Add(FbField field)
    {
        Fields.Add(field);
        return this;
    }
}
