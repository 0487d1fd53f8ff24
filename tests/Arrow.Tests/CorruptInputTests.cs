using System.Text;

namespace MmReplay.Arrow.Tests;

/// <summary>Truncated, bit-flipped and hand-broken files: only ArrowFormatException, with field and offset.</summary>
public sealed class CorruptInputTests
{
    [Theory]
    [InlineData(ArrowFormat.File)]
    [InlineData(ArrowFormat.Stream)]
    public void Every_truncation_gives_a_format_error_or_a_shorter_valid_stream(ArrowFormat format)
    {
        var bytes = RoundTripTests.Write(new SampleTable(51, 40), new ArrowWriterOptions { Format = format, BatchRows = 16 });
        for (var length = 0; length < bytes.Length; length++)
        {
            // A stream cut exactly at a message boundary is a valid shorter stream (end of data = EOS).
            ReadEverything(bytes[..length], strict: true, $"{format} truncated to {length} bytes");
        }
    }

    [Theory]
    [InlineData(ArrowFormat.File)]
    [InlineData(ArrowFormat.Stream)]
    public void Random_byte_corruption_never_escapes_as_another_exception(ArrowFormat format)
    {
        var original = RoundTripTests.Write(new SampleTable(52, 40), new ArrowWriterOptions { Format = format, BatchRows = 16 });
        foreach (var seed in TestSeed.Pick(Enumerable.Range(1, 300).ToArray()))
        {
            var random = new Random(seed);
            var bytes = (byte[])original.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            ReadEverything(bytes, strict: seed % 2 == 0, $"{format}, MMREPLAY_TEST_SEED={seed}");
        }
    }

    [Fact]
    public void Decreasing_string_offsets_are_named_by_field_and_offset()
    {
        var bytes = WriteStrings("word", ["ab", "cd"]);
        // The offsets buffer is int32 [0, 2, 4]; make it [0, 3, 2]: row 1 would end before it starts.
        var at = IndexOf(bytes, [0, 0, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0]);
        bytes[at + 4] = 3;
        bytes[at + 8] = 2;
        var strict = Assert.Throws<ArrowFormatException>(() => ReadAll(bytes, strict: true));
        Assert.Equal("word", strict.Field);
        Assert.Equal(at + 8, strict.ByteOffset); // offset[2] = 2 is where the order breaks
        Assert.Contains("decreasing", strict.Message);

        // Without strict mode the batch opens and the bad row fails on access, still as a format error.
        using var reader = ArrowReader.Open(new MemoryStream(bytes));
        var column = reader.ReadRecordBatch(0).Column(0);
        Assert.Equal("abc", column.GetString(0)); // offsets 0..3 of "abcd"
        var lax = Assert.Throws<ArrowFormatException>(() => column.GetString(1));
        Assert.Equal("word", lax.Field);
    }

    [Fact]
    public void A_string_without_its_NUL_is_rejected_in_strict_mode_only()
    {
        var bytes = WriteStrings("zqzq", ["x"], ArrowFormat.Stream);
        // In a stream the field name is stored once, "zqzq\0", in the schema message.
        var at = IndexOf(bytes, "zqzq\0"u8.ToArray());
        bytes[at + 4] = (byte)'!';
        var error = Assert.Throws<ArrowFormatException>(() => ReadAll(bytes, strict: true));
        Assert.Contains("NUL", error.Message);
        Assert.Equal(at + 4, error.ByteOffset);
        Assert.Equal(1, ReadAll(bytes, strict: false));
    }

    [Fact]
    public void Out_of_range_dictionary_index_is_a_format_error()
    {
        var schema = new ArrowSchema([new ArrowField("kind", ArrowType.DictionaryUtf8, dictionaryValues: ["a", "b"])]);
        using var output = new MemoryStream();
        using (var writer = new ArrowWriter(output, schema, new ArrowWriterOptions { Alignment = 8 }, leaveOpen: true))
        {
            writer.Dictionary(0).Append(1);
            writer.EndRow();
            writer.Complete();
        }

        var bytes = output.ToArray();
        // The record batch body holds the single int32 index 1 followed by 4 zero pad bytes; the last
        // such pattern in the file before the footer is it (the dictionary body has offsets 0,1,2).
        var at = LastIndexOf(bytes, [1, 0, 0, 0, 0, 0, 0, 0]);
        bytes[at] = 7;
        var error = Assert.Throws<ArrowFormatException>(() => ReadAll(bytes, strict: true));
        Assert.Equal("kind", error.Field);
        Assert.Contains("index 7", error.Message);
    }

    [Fact]
    public void Not_arrow_at_all_is_a_clear_error()
    {
        var error = Assert.Throws<ArrowFormatException>(() => ReadAll(Encoding.UTF8.GetBytes("time,op\n1,mmap\n"), strict: false));
        Assert.Contains("metadata length", error.Message);
    }

    private static void ReadEverything(byte[] bytes, bool strict, string context)
    {
        try
        {
            ReadAll(bytes, strict);
        }
        catch (ArrowFormatException)
        {
        }
        catch (Exception e)
        {
            Assert.Fail($"{context}: {e.GetType().Name} escaped: {e}");
        }
    }

    /// <summary>Open, read every batch and every value; returns the row count.</summary>
    private static int ReadAll(byte[] bytes, bool strict)
    {
        using var reader = ArrowReader.Open(new MemoryStream(bytes), new ArrowReaderOptions { Strict = strict });
        var rows = 0;
        foreach (var batch in reader.ReadRecordBatches())
        {
            foreach (var column in batch.Columns)
            {
                for (var i = 0; i < batch.Length; i++)
                {
                    _ = column.GetValue(i);
                }
            }

            rows += batch.Length;
        }

        return rows;
    }

    private static byte[] WriteStrings(string name, string[] values, ArrowFormat format = ArrowFormat.File)
    {
        using var output = new MemoryStream();
        using (var writer = new ArrowWriter(output, new ArrowSchema([new ArrowField(name, ArrowType.Utf8)]),
                   new ArrowWriterOptions { Format = format, Alignment = 8 }, leaveOpen: true))
        {
            foreach (var value in values)
            {
                writer.Utf8(0).Append(value);
                writer.EndRow();
            }

            writer.Complete();
        }

        return output.ToArray();
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    private static int LastIndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().LastIndexOf(needle);
}
