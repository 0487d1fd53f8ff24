using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>Decodes the Schema table (and its fields' types) from untrusted metadata.</summary>
internal static class MetadataReader
{
    public static ArrowSchema Schema(FbTableView schema)
    {
        if (schema.Short(0) != 0)
        {
            throw schema.Reader.Error("big-endian data is not supported", schema.Position);
        }

        var (start, count) = schema.Vector(1, 4);
        var fields = new ArrowField[count];
        for (var i = 0; i < count; i++)
        {
            fields[i] = Field(schema.TableAt(start, i), i);
        }

        return new ArrowSchema(fields, KeyValues(schema, 2));
    }

    private static ArrowField Field(FbTableView field, int index)
    {
        var name = field.String(0) ?? $"#{index}";
        var reader = field.Reader;
        var typeCode = field.Byte(2);
        var typeTable = field.Table(3);
        if (typeTable is not { } type)
        {
            throw reader.Error("field type is missing", field.Position, name);
        }

        var valueType = Type(typeCode, type, name);
        var (_, children) = field.Vector(5, 4);
        if (children != 0)
        {
            throw reader.Error("nested types are not supported", field.Position, name);
        }

        long dictionaryId = 0;
        if (field.Table(4) is { } encoding)
        {
            dictionaryId = encoding.Long(0);
            var indexType = encoding.Table(1) is { } indexTable ? Type(TypeCodes.Int, indexTable, name).Id : ArrowTypeId.Int32;
            if (valueType.Id is not (ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8 or ArrowTypeId.Utf8View) ||
                ArrowType.ByteWidth(indexType) == 0 || valueType.Id == ArrowTypeId.Timestamp)
            {
                throw reader.Error($"dictionary of {valueType} values is not supported", field.Position, name);
            }

            valueType = ArrowType.Dictionary(indexType, valueType.Id);
        }

        return new ArrowField(name, valueType, field.Bool(1), KeyValues(field, 6)) { DictionaryId = dictionaryId };
    }

    private static ArrowType Type(byte code, FbTableView type, string field) => code switch
    {
        TypeCodes.Int => IntType(type, field),
        TypeCodes.FloatingPoint => type.Short(0) switch
        {
            1 => ArrowType.Float32,
            2 => ArrowType.Float64,
            _ => throw type.Reader.Error("half-precision floats are not supported", type.Position, field),
        },
        TypeCodes.Utf8 => ArrowType.Utf8,
        TypeCodes.LargeUtf8 => ArrowType.LargeUtf8,
        TypeCodes.Utf8View => ArrowType.Utf8View,
        TypeCodes.Bool => ArrowType.Bool,
        TypeCodes.Timestamp => type.Short(0) is >= 0 and <= 3 and var unit
            ? ArrowType.Timestamp((ArrowTimeUnit)unit, type.String(1))
            : throw type.Reader.Error("unknown timestamp unit", type.Position, field),
        _ => throw type.Reader.Error($"unsupported Arrow type code {code}", type.Position, field),
    };

    private static ArrowType IntType(FbTableView type, string field) => (type.Int(0), type.Bool(1)) switch
    {
        (8, true) => ArrowType.Int8,
        (16, true) => ArrowType.Int16,
        (32, true) => ArrowType.Int32,
        (64, true) => ArrowType.Int64,
        (8, false) => ArrowType.UInt8,
        (16, false) => ArrowType.UInt16,
        (32, false) => ArrowType.UInt32,
        (64, false) => ArrowType.UInt64,
        var (width, _) => throw type.Reader.Error($"integer bit width {width} is invalid", type.Position, field),
    };

    private static KeyValuePair<string, string>[] KeyValues(FbTableView table, int id)
    {
        var (start, count) = table.Vector(id, 4);
        var pairs = new KeyValuePair<string, string>[count];
        for (var i = 0; i < count; i++)
        {
            var pair = table.TableAt(start, i);
            pairs[i] = new(pair.String(0) ?? "", pair.String(1) ?? "");
        }

        return pairs;
    }
}
