namespace MmReplay.Arrow;

/// <summary>Arrow's <c>Type</c> union codes and <c>MessageHeader</c> codes (Schema.fbs, Message.fbs).</summary>
internal static class TypeCodes
{
    public const byte Int = 2;
    public const byte FloatingPoint = 3;
    public const byte Utf8 = 5;
    public const byte Bool = 6;
    public const byte Timestamp = 10;
    public const byte LargeUtf8 = 20;
    public const byte Utf8View = 24;

    public const byte HeaderSchema = 1;
    public const byte HeaderDictionaryBatch = 2;
    public const byte HeaderRecordBatch = 3;

    public static byte Of(ArrowTypeId id) => id switch
    {
        ArrowTypeId.Bool => Bool,
        ArrowTypeId.Float32 or ArrowTypeId.Float64 => FloatingPoint,
        ArrowTypeId.Utf8 => Utf8,
        ArrowTypeId.LargeUtf8 => LargeUtf8,
        ArrowTypeId.Utf8View => Utf8View,
        ArrowTypeId.Timestamp => Timestamp,
        ArrowTypeId.Dictionary => throw new ArgumentException("a dictionary has no type code of its own", nameof(id)),
        _ => Int,
    };
}
