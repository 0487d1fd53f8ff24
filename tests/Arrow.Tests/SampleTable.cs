namespace MmReplay.Arrow.Tests;

/// <summary>
/// A seeded table covering every type the writer produces, with nulls, NaN/±inf, extremes, empty and
/// non-ASCII strings. Values are kept in memory (boxed: tests only) so each reader's output can be
/// compared cell by cell with what was written.
/// </summary>
internal sealed class SampleTable
{
    public static readonly string[] Vocabulary = ["read", "write", "mmap", "munmap", "fork", "ÿ-naïve"];

    private static readonly string[] Texts =
        ["", "alpha", "ünïcödé", "漢字かな", "🙂 emoji", "tab\tnew\nline", "quote\" back\\slash", "x"];

    public SampleTable(int seed, int rows)
    {
        Seed = seed;
        Schema = new ArrowSchema(
        [
            new ArrowField("i8", ArrowType.Int8),
            new ArrowField("i16", ArrowType.Int16),
            new ArrowField("i32", ArrowType.Int32),
            new ArrowField("i64", ArrowType.Int64, nullable: false, metadata: [new("unit", "pages"), new("note", "ünï")]),
            new ArrowField("u8", ArrowType.UInt8),
            new ArrowField("u16", ArrowType.UInt16),
            new ArrowField("u32", ArrowType.UInt32),
            new ArrowField("u64", ArrowType.UInt64),
            new ArrowField("f32", ArrowType.Float32),
            new ArrowField("f64", ArrowType.Float64),
            new ArrowField("flag", ArrowType.Bool),
            new ArrowField("text", ArrowType.Utf8),
            new ArrowField("ts_us_utc", ArrowType.Timestamp(ArrowTimeUnit.Microsecond, "UTC")),
            new ArrowField("ts_ns", ArrowType.Timestamp(ArrowTimeUnit.Nanosecond)),
            // "extra" is not declared: it is added while the dictionary is still open (row 0).
            new ArrowField("op", ArrowType.DictionaryUtf8, dictionaryValues: Vocabulary),
        ],
        [new("mmreplay.table", "sample"), new("mmreplay.seed", seed.ToString())]);

        var random = new Random(seed);
        Columns = new object?[Schema.Fields.Count][];
        for (var c = 0; c < Columns.Length; c++)
        {
            Columns[c] = new object?[rows];
            for (var r = 0; r < rows; r++)
            {
                var field = Schema.Fields[c];
                Columns[c][r] = field.Nullable && random.Next(7) == 0 ? null : Generate(field, r, random);
            }
        }
    }

    public int Seed { get; }

    public ArrowSchema Schema { get; }

    /// <summary>Columns[c][r]: the value written at row r of column c (null = null).</summary>
    public object?[][] Columns { get; }

    public int Rows => Columns[0].Length;

    public void WriteTo(ArrowWriter writer)
    {
        for (var r = 0; r < Rows; r++)
        {
            for (var c = 0; c < Columns.Length; c++)
            {
                var value = Columns[c][r];
                if (value is null)
                {
                    writer.Column(c).AppendNull();
                    continue;
                }

                switch (Schema.Fields[c].Type.Id)
                {
                    case ArrowTypeId.Int8: writer.Int8(c).Append((sbyte)value); break;
                    case ArrowTypeId.Int16: writer.Int16(c).Append((short)value); break;
                    case ArrowTypeId.Int32: writer.Int32(c).Append((int)value); break;
                    case ArrowTypeId.Int64: writer.Int64(c).Append((long)value); break;
                    case ArrowTypeId.UInt8: writer.UInt8(c).Append((byte)value); break;
                    case ArrowTypeId.UInt16: writer.UInt16(c).Append((ushort)value); break;
                    case ArrowTypeId.UInt32: writer.UInt32(c).Append((uint)value); break;
                    case ArrowTypeId.UInt64: writer.UInt64(c).Append((ulong)value); break;
                    case ArrowTypeId.Float32: writer.Float32(c).Append((float)value); break;
                    case ArrowTypeId.Float64: writer.Float64(c).Append((double)value); break;
                    case ArrowTypeId.Bool: writer.Bool(c).Append((bool)value); break;
                    case ArrowTypeId.Utf8: writer.Utf8(c).Append((string)value); break;
                    case ArrowTypeId.Timestamp: writer.Timestamp(c).Append((long)value); break;
                    case ArrowTypeId.Dictionary: writer.Dictionary(c).Append((string)value); break;
                    default: throw new InvalidOperationException(Schema.Fields[c].Type.ToString());
                }
            }

            writer.EndRow();
        }
    }

    private static object Generate(ArrowField field, int row, Random random)
    {
        var edge = random.Next(5) == 0;
        return field.Type.Id switch
        {
            ArrowTypeId.Int8 => edge ? Pick(random, sbyte.MinValue, sbyte.MaxValue, (sbyte)0) : (sbyte)random.Next(-128, 128),
            ArrowTypeId.Int16 => edge ? Pick(random, short.MinValue, short.MaxValue, (short)-1) : (short)random.Next(short.MinValue, short.MaxValue + 1),
            ArrowTypeId.Int32 => edge ? Pick(random, int.MinValue, int.MaxValue, 0) : random.Next(int.MinValue, int.MaxValue),
            ArrowTypeId.Int64 => edge ? Pick(random, long.MinValue, long.MaxValue, -1L) : random.NextInt64(long.MinValue, long.MaxValue),
            ArrowTypeId.UInt8 => edge ? Pick(random, byte.MinValue, byte.MaxValue, (byte)1) : (byte)random.Next(256),
            ArrowTypeId.UInt16 => edge ? Pick(random, ushort.MinValue, ushort.MaxValue, (ushort)1) : (ushort)random.Next(65536),
            ArrowTypeId.UInt32 => edge ? Pick(random, uint.MinValue, uint.MaxValue, 1u) : (uint)random.NextInt64(uint.MaxValue),
            ArrowTypeId.UInt64 => edge ? Pick(random, ulong.MinValue, ulong.MaxValue, 1UL << 63) : (ulong)random.NextInt64() * 2,
            ArrowTypeId.Float32 => edge ? Pick(random, float.NaN, float.PositiveInfinity, float.MinValue) : (float)((random.NextDouble() * 2e6) - 1e6),
            ArrowTypeId.Float64 => edge ? Pick(random, double.NaN, double.NegativeInfinity, double.Epsilon) : (random.NextDouble() * 2e12) - 1e12,
            ArrowTypeId.Bool => random.Next(2) == 1,
            ArrowTypeId.Utf8 => edge ? Texts[random.Next(Texts.Length)] : RandomAscii(random),
            // Within ±200 years of the epoch so every reader can also format them as dates.
            ArrowTypeId.Timestamp => field.Type.Unit == ArrowTimeUnit.Nanosecond
                ? random.NextInt64(-6_000_000_000_000_000_000, 6_000_000_000_000_000_000)
                : random.NextInt64(-6_000_000_000_000_000, 6_000_000_000_000_000),
            ArrowTypeId.Dictionary => row == 0 ? "extra" : Vocabulary[random.Next(Vocabulary.Length)],
            _ => throw new InvalidOperationException(field.Type.ToString()),
        };
    }

    private static T Pick<T>(Random random, T a, T b, T c) => random.Next(3) switch { 0 => a, 1 => b, _ => c };

    private static string RandomAscii(Random random)
    {
        Span<char> chars = stackalloc char[random.Next(0, 24)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = (char)random.Next(32, 127);
        }

        return new string(chars);
    }
}
