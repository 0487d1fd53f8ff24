namespace MmReplay.Arrow.Tests;

/// <summary>The builder API's rules: dictionaries, row shape, nulls, atomic output.</summary>
public sealed class WriterTests : IDisposable
{
    private static readonly ArrowSchema KindSchema = new(
    [
        new ArrowField("id", ArrowType.Int64, nullable: false),
        new ArrowField("kind", ArrowType.DictionaryUtf8, dictionaryValues: ["read", "write"]),
    ]);

    private readonly string _dir = Directory.CreateTempSubdirectory("mmreplay-arrow-writer-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Dictionary_grows_until_written_then_rejects_new_values_by_name()
    {
        using var writer = new ArrowWriter(new MemoryStream(), KindSchema, new ArrowWriterOptions { BatchRows = 2 });
        var kind = writer.Dictionary(1);
        // Declared values keep their order: read = 0, write = 1; "mmap" is appended as 2 before the first flush.
        writer.Int64(0).Append(1);
        kind.Append("mmap");
        writer.EndRow();
        Assert.Equal(["read", "write", "mmap"], kind.Values);
        writer.Int64(0).Append(2);
        kind.Append(1);
        writer.EndRow(); // second row: batch of 2 flushed, dictionary written and frozen
        Assert.True(kind.IsFrozen);
        writer.Int64(0).Append(3);
        kind.Append("mmap"); // known: fine
        var error = Assert.Throws<InvalidOperationException>(() => kind.Append("fork"));
        Assert.Contains("'kind'", error.Message);
        Assert.Contains("'fork'", error.Message);
    }

    [Fact]
    public void A_row_missing_a_column_names_the_column()
    {
        using var writer = new ArrowWriter(new MemoryStream(), KindSchema);
        writer.Int64(0).Append(1);
        var error = Assert.Throws<InvalidOperationException>(writer.EndRow);
        Assert.Contains("'kind'", error.Message);
    }

    [Fact]
    public void Null_in_a_non_nullable_column_and_wrong_builder_type_are_refused()
    {
        using var writer = new ArrowWriter(new MemoryStream(), KindSchema);
        Assert.Throws<InvalidOperationException>(() => writer.Column(0).AppendNull());
        Assert.Throws<InvalidOperationException>(() => writer.Int32(0));
    }

    [Fact]
    public void A_path_output_appears_only_when_complete()
    {
        var path = Path.Combine(_dir, "t.arrow");
        using (var abandoned = ArrowWriter.Create(path, KindSchema))
        {
            abandoned.Int64(0).Append(1);
            abandoned.Dictionary(1).AppendNull();
            abandoned.EndRow();
        }

        Assert.Empty(Directory.GetFiles(_dir)); // no output, no temporary left behind

        using (var writer = ArrowWriter.Create(path, KindSchema))
        {
            writer.Int64(0).Append(42);
            writer.Dictionary(1).Append("write");
            writer.EndRow();
            writer.Complete();
        }

        Assert.Equal([path], Directory.GetFiles(_dir));
        using var reader = ArrowReader.Open(path, new ArrowReaderOptions { Strict = true });
        var batch = reader.ReadRecordBatch(0);
        Assert.Equal(42L, batch.Column("id").GetInt64(0));
        Assert.Equal("write", batch.Column("kind").GetString(0));
        Assert.Equal(1, batch.Column("kind").GetDictionaryIndex(0));
    }

    [Fact]
    public void Arrows_extension_selects_the_stream_format()
    {
        var path = Path.Combine(_dir, "t.arrows");
        using (var writer = ArrowWriter.Create(path, KindSchema))
        {
            writer.Complete();
        }

        using var reader = ArrowReader.Open(path);
        Assert.Equal(ArrowFormat.Stream, reader.Format);
        Assert.Null(reader.ReadNextRecordBatch());
    }
}
