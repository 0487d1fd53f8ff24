namespace MmReplay.Arrow;

/// <summary>
/// A column's logical type. Use the static members (<see cref="Int64"/>, <see cref="Timestamp"/>, ...);
/// a dictionary column is strings stored as indices of type <see cref="IndexType"/> (int32 when we write).
/// </summary>
public sealed record ArrowType
{
    private ArrowType(ArrowTypeId id, ArrowTimeUnit unit = ArrowTimeUnit.Microsecond, string? timeZone = null,
        ArrowTypeId indexType = ArrowTypeId.Int32, ArrowTypeId valueType = ArrowTypeId.Utf8)
    {
        Id = id;
        Unit = unit;
        TimeZone = timeZone;
        IndexType = indexType;
        ValueType = valueType;
    }

    public ArrowTypeId Id { get; }

    /// <summary>Timestamp unit (meaningful only for <see cref="ArrowTypeId.Timestamp"/>).</summary>
    public ArrowTimeUnit Unit { get; }

    /// <summary>Timestamp time zone ("UTC" or an Olson name); null means naive wall-clock time.</summary>
    public string? TimeZone { get; }

    /// <summary>Dictionary index type (meaningful only for <see cref="ArrowTypeId.Dictionary"/>).</summary>
    public ArrowTypeId IndexType { get; }

    /// <summary>Dictionary value type: Utf8, or LargeUtf8/Utf8View in files from other writers.</summary>
    public ArrowTypeId ValueType { get; }

    public static ArrowType Bool { get; } = new(ArrowTypeId.Bool);
    public static ArrowType Int8 { get; } = new(ArrowTypeId.Int8);
    public static ArrowType Int16 { get; } = new(ArrowTypeId.Int16);
    public static ArrowType Int32 { get; } = new(ArrowTypeId.Int32);
    public static ArrowType Int64 { get; } = new(ArrowTypeId.Int64);
    public static ArrowType UInt8 { get; } = new(ArrowTypeId.UInt8);
    public static ArrowType UInt16 { get; } = new(ArrowTypeId.UInt16);
    public static ArrowType UInt32 { get; } = new(ArrowTypeId.UInt32);
    public static ArrowType UInt64 { get; } = new(ArrowTypeId.UInt64);
    public static ArrowType Float32 { get; } = new(ArrowTypeId.Float32);
    public static ArrowType Float64 { get; } = new(ArrowTypeId.Float64);
    public static ArrowType Utf8 { get; } = new(ArrowTypeId.Utf8);
    public static ArrowType LargeUtf8 { get; } = new(ArrowTypeId.LargeUtf8);
    public static ArrowType Utf8View { get; } = new(ArrowTypeId.Utf8View);

    /// <summary>Dictionary-encoded UTF-8 strings with int32 indices (the only dictionary form we write).</summary>
    public static ArrowType DictionaryUtf8 { get; } = new(ArrowTypeId.Dictionary);

    /// <summary>Signed 64-bit count of <paramref name="unit"/> since the Unix epoch.</summary>
    public static ArrowType Timestamp(ArrowTimeUnit unit, string? timeZone = null) =>
        new(ArrowTypeId.Timestamp, unit, timeZone);

    /// <summary>A dictionary type as found in a file (any integer index type, any string value type).</summary>
    public static ArrowType Dictionary(ArrowTypeId indexType, ArrowTypeId valueType) =>
        new(ArrowTypeId.Dictionary, indexType: indexType, valueType: valueType);

    /// <summary>Bytes per value of a fixed-width type (0 for bool and strings, which are not byte-sized).</summary>
    public static int ByteWidth(ArrowTypeId id) => id switch
    {
        ArrowTypeId.Int8 or ArrowTypeId.UInt8 => 1,
        ArrowTypeId.Int16 or ArrowTypeId.UInt16 => 2,
        ArrowTypeId.Int32 or ArrowTypeId.UInt32 or ArrowTypeId.Float32 => 4,
        ArrowTypeId.Int64 or ArrowTypeId.UInt64 or ArrowTypeId.Float64 or ArrowTypeId.Timestamp => 8,
        _ => 0,
    };

    public override string ToString() => Id switch
    {
        ArrowTypeId.Timestamp => TimeZone is null ? $"timestamp[{UnitName(Unit)}]" : $"timestamp[{UnitName(Unit)}, tz={TimeZone}]",
        ArrowTypeId.Dictionary => $"dictionary<{Name(IndexType)}, {Name(ValueType)}>",
        _ => Name(Id),
    };

    private static string Name(ArrowTypeId id) => id switch
    {
        ArrowTypeId.LargeUtf8 => "large_utf8",
        ArrowTypeId.Utf8View => "utf8_view",
        _ => id.ToString().ToLowerInvariant(),
    };

    private static string UnitName(ArrowTimeUnit unit) => unit switch
    {
        ArrowTimeUnit.Second => "s",
        ArrowTimeUnit.Millisecond => "ms",
        ArrowTimeUnit.Microsecond => "us",
        _ => "ns",
    };
}
