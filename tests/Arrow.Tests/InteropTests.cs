using System.Text.Json;

namespace MmReplay.Arrow.Tests;

/// <summary>Our files read back by the reference readers: arrow-js (apache-arrow) and polars (Rust).</summary>
public sealed class InteropTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mmreplay-arrow-interop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [NodeFact]
    public void ArrowJs_reads_every_type_in_many_batches_both_formats_and_alignments()
    {
        Assert.Null(NodeTools.MissingReason);
        foreach (var seed in TestSeed.Pick(1, 2))
        {
            // 300 rows in batches of 128: three batches of 128, 128 and 44 rows.
            var table = new SampleTable(seed, 300);
            foreach (var format in new[] { ArrowFormat.File, ArrowFormat.Stream })
            {
                foreach (var alignment in new[] { 8, 64 })
                {
                    var path = Write(table, new ArrowWriterOptions { Format = format, BatchRows = 128, Alignment = alignment });
                    var dump = NodeTools.RunJson("dump.mjs", path);
                    var context = $"seed {seed}, {format}, alignment {alignment}";
                    Assert.Equal(format == ArrowFormat.File ? "file" : "stream", dump.GetProperty("format").GetString());
                    AssertSchema(table, dump, context);
                    AssertBatches(table, dump, [128, 128, 44], context);
                }
            }
        }
    }

    [NodeFact]
    public void ArrowJs_reads_a_table_with_zero_batches()
    {
        Assert.Null(NodeTools.MissingReason);
        var table = new SampleTable(3, 0);
        foreach (var format in new[] { ArrowFormat.File, ArrowFormat.Stream })
        {
            var dump = NodeTools.RunJson("dump.mjs", Write(table, new ArrowWriterOptions { Format = format }));
            AssertSchema(table, dump, format.ToString());
            Assert.Equal(0, dump.GetProperty("batches").GetArrayLength());
        }
    }

    [NodeFact]
    public void Polars_reads_every_type_both_formats()
    {
        Assert.Null(NodeTools.MissingReason);
        var table = new SampleTable(TestSeed.Pick(4)[0], 300);
        foreach (var format in new[] { ArrowFormat.File, ArrowFormat.Stream })
        {
            var path = Write(table, new ArrowWriterOptions { Format = format, BatchRows = 100 });
            var result = NodeTools.RunJson("polars-check.mjs", path);
            var context = $"seed {table.Seed}, {format}";
            Assert.Equal(table.Rows, result.GetProperty("rows").GetInt32());
            var columns = result.GetProperty("columns");
            for (var c = 0; c < table.Columns.Length; c++)
            {
                var field = table.Schema.Fields[c];
                var column = columns.GetProperty(field.Name);
                var values = column.GetProperty("values");
                Assert.Equal(CountNulls(table.Columns[c]), column.GetProperty("nulls").GetInt32());
                for (var r = 0; r < table.Rows; r++)
                {
                    Assert.True(ExpectedCells.MatchesPolars(field.Type.Id, table.Columns[c][r], values[r]),
                        $"{context}: column {field.Name} row {r}: wrote {table.Columns[c][r] ?? "null"}, polars read {values[r]}");
                }
            }

            Assert.Equal("Categorical", columns.GetProperty("op").GetProperty("dtype").GetString());
        }
    }

    private static int CountNulls(object?[] column)
    {
        var nulls = 0;
        foreach (var value in column)
        {
            nulls += value is null ? 1 : 0;
        }

        return nulls;
    }

    private static void AssertSchema(SampleTable table, JsonElement dump, string context)
    {
        var metadata = dump.GetProperty("metadata");
        Assert.Equal("sample", metadata.GetProperty("mmreplay.table").GetString());
        Assert.Equal(table.Seed.ToString(), metadata.GetProperty("mmreplay.seed").GetString());
        var fields = dump.GetProperty("fields");
        Assert.Equal(table.Schema.Fields.Count, fields.GetArrayLength());
        string[] jsTypes =
        [
            "Int8", "Int16", "Int32", "Int64", "Uint8", "Uint16", "Uint32", "Uint64", "Float32", "Float64", "Bool",
            "Utf8", "Timestamp<MICROSECOND, UTC>", "Timestamp<NANOSECOND>", "Dictionary<Int32, Utf8>",
        ];
        for (var c = 0; c < fields.GetArrayLength(); c++)
        {
            var field = fields[c];
            Assert.Equal(table.Schema.Fields[c].Name, field.GetProperty("name").GetString());
            Assert.True(jsTypes[c] == field.GetProperty("type").GetString(), $"{context}: column {c} type {field.GetProperty("type")}");
            Assert.Equal(table.Schema.Fields[c].Nullable, field.GetProperty("nullable").GetBoolean());
        }

        var i64 = fields[3].GetProperty("metadata");
        Assert.Equal("pages", i64.GetProperty("unit").GetString());
        Assert.Equal("ünï", i64.GetProperty("note").GetString());
    }

    private static void AssertBatches(SampleTable table, JsonElement dump, int[] sizes, string context)
    {
        var batches = dump.GetProperty("batches");
        Assert.Equal(sizes.Length, batches.GetArrayLength());
        var row = 0;
        for (var b = 0; b < sizes.Length; b++)
        {
            Assert.Equal(sizes[b], batches[b].GetProperty("rows").GetInt32());
            var columns = batches[b].GetProperty("columns");
            for (var c = 0; c < table.Columns.Length; c++)
            {
                var field = table.Schema.Fields[c];
                var cells = columns.GetProperty(field.Name);
                for (var i = 0; i < sizes[b]; i++)
                {
                    var expected = table.Columns[c][row + i];
                    Assert.True(ExpectedCells.MatchesArrowJs(field.Type.Id, expected, cells[i]),
                        $"{context}: column {field.Name} row {row + i}: wrote {expected ?? "null"}, arrow-js read {cells[i]}");
                }
            }

            row += sizes[b];
        }
    }

    private string Write(SampleTable table, ArrowWriterOptions options)
    {
        var path = Path.Combine(_dir, $"t{table.Seed}-{options.Alignment}{(options.Format == ArrowFormat.File ? ".arrow" : ".arrows")}");
        using var writer = ArrowWriter.Create(path, table.Schema, options);
        table.WriteTo(writer);
        writer.Complete();
        return path;
    }
}
