using System.Buffers.Binary;
using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>
/// Builds the FlatBuffers metadata tables (Schema, Message, RecordBatch, DictionaryBatch, Footer) as object
/// trees. Slot ids follow Arrow's .fbs declaration order, a union counting as two ids (spec §4).
/// </summary>
internal static class MetadataWriter
{
    private const short MetadataVersionV5 = 4;

    public static FbTable Schema(ArrowSchema schema)
    {
        var fields = new List<FbNode>(schema.Fields.Count);
        long dictionaryId = 0;
        foreach (var field in schema.Fields)
        {
            fields.Add(Field(field, field.Type.Id == ArrowTypeId.Dictionary ? dictionaryId++ : -1));
        }

        // endianness (0) omitted: Little is the default. fields (1) is written even when empty (C++ wants it).
        var table = new FbTable().Ref(1, new FbVector(fields));
        if (schema.Metadata.Count > 0)
        {
            table.Ref(2, KeyValues(schema.Metadata));
        }

        return table;
    }

    public static FbTable Message(byte headerType, FbTable header, long bodyLength) =>
        new FbTable()
            .Short(0, MetadataVersionV5) // default is V1, which every reader rejects: always write it
            .Byte(1, headerType)
            .Ref(2, header)
            .Long(3, bodyLength);

    /// <summary>A RecordBatch table; <paramref name="nodes"/> and <paramref name="buffers"/> are raw 16-byte structs.</summary>
    public static FbTable RecordBatch(long length, byte[] nodes, byte[] buffers) =>
        new FbTable()
            .Long(0, length)
            .Ref(1, new FbInlineVector(nodes, nodes.Length / 16, 8))
            .Ref(2, new FbInlineVector(buffers, buffers.Length / 16, 8));

    public static FbTable DictionaryBatch(long id, FbTable data) =>
        new FbTable().Long(0, id).Ref(1, data);

    public static FbTable Footer(ArrowSchema schema, List<FileBlock> dictionaries, List<FileBlock> batches) =>
        new FbTable()
            .Short(0, MetadataVersionV5)
            .Ref(1, Schema(schema))
            .Ref(2, Blocks(dictionaries))
            .Ref(3, Blocks(batches));

    private static FbInlineVector Blocks(List<FileBlock> blocks)
    {
        // struct Block { long offset; int metaDataLength; /* pad */ long bodyLength; } = 24 bytes
        var bytes = new byte[blocks.Count * 24];
        for (var i = 0; i < blocks.Count; i++)
        {
            var span = bytes.AsSpan(i * 24);
            BinaryPrimitives.WriteInt64LittleEndian(span, blocks[i].Offset);
            BinaryPrimitives.WriteInt32LittleEndian(span[8..], blocks[i].MetadataLength);
            BinaryPrimitives.WriteInt64LittleEndian(span[16..], blocks[i].BodyLength);
        }

        return new FbInlineVector(bytes, blocks.Count, 8);
    }

    private static FbTable Field(ArrowField field, long dictionaryId)
    {
        var type = field.Type;
        // A dictionary field's type is its VALUE type (pitfall 10); the index type goes in DictionaryEncoding.
        var valueType = type.Id == ArrowTypeId.Dictionary ? type.ValueType : type.Id;
        var table = new FbTable()
            .Ref(0, new FbString(field.Name))
            .Bool(1, field.Nullable) // default false: must be written
            .Byte(2, TypeCodes.Of(valueType))
            .Ref(3, TypeTable(valueType, type))
            .Ref(5, new FbVector([]));
        if (dictionaryId >= 0)
        {
            table.Ref(4, new FbTable()
                .Long(0, dictionaryId)
                .Ref(1, IntType(ArrowTypeId.Int32)) // indexType: C++ requires it present
                .Bool(2, false));
        }

        if (field.Metadata.Count > 0)
        {
            table.Ref(6, KeyValues(field.Metadata));
        }

        return table;
    }

    private static FbTable TypeTable(ArrowTypeId id, ArrowType type) => id switch
    {
        ArrowTypeId.Float32 => new FbTable().Short(0, 1), // precision SINGLE (default HALF!)
        ArrowTypeId.Float64 => new FbTable().Short(0, 2), // DOUBLE
        ArrowTypeId.Timestamp => TimestampType(type),
        ArrowTypeId.Bool or ArrowTypeId.Utf8 => new FbTable(), // empty, but present (pitfall 8)
        _ => IntType(id),
    };

    private static FbTable IntType(ArrowTypeId id)
    {
        var signed = id is ArrowTypeId.Int8 or ArrowTypeId.Int16 or ArrowTypeId.Int32 or ArrowTypeId.Int64;
        return new FbTable().Int(0, ArrowType.ByteWidth(id) * 8).Bool(1, signed);
    }

    private static FbTable TimestampType(ArrowType type)
    {
        var table = new FbTable().Short(0, (short)type.Unit);
        if (type.TimeZone is not null)
        {
            table.Ref(1, new FbString(type.TimeZone));
        }

        return table;
    }

    private static FbVector KeyValues(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        var items = new List<FbNode>(pairs.Count);
        foreach (var pair in pairs)
        {
            // Both strings always present: C++ rejects a null key or value.
            items.Add(new FbTable().Ref(0, new FbString(pair.Key)).Ref(1, new FbString(pair.Value ?? "")));
        }

        return new FbVector(items);
    }
}
