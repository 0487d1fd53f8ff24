namespace MmReplay.Arrow;

/// <summary>
/// The Arrow types this library handles. The writer produces all but <see cref="LargeUtf8"/> and
/// <see cref="Utf8View"/>, which exist so the reader can open files written by polars.
/// </summary>
public enum ArrowTypeId
{
    Bool,
    Int8,
    Int16,
    Int32,
    Int64,
    UInt8,
    UInt16,
    UInt32,
    UInt64,
    Float32,
    Float64,
    Utf8,
    LargeUtf8,
    Utf8View,
    Timestamp,
    /// <summary>Dictionary-encoded strings: integer indices into one dictionary of UTF-8 values.</summary>
    Dictionary,
}
