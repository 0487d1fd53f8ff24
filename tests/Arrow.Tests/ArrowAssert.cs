namespace MmReplay.Arrow.Tests;

/// <summary>Cell-by-cell comparison of what our reader returns with a <see cref="SampleTable"/>.</summary>
internal static class ArrowAssert
{
    public static void SameTable(SampleTable table, ArrowReader reader, string context)
    {
        Assert.Equal(table.Schema.Metadata, reader.Schema.Metadata);
        for (var c = 0; c < table.Schema.Fields.Count; c++)
        {
            var (expected, actual) = (table.Schema.Fields[c], reader.Schema.Fields[c]);
            Assert.Equal(expected.Name, actual.Name);
            Assert.Equal(expected.Type, actual.Type);
            Assert.Equal(expected.Nullable, actual.Nullable);
            Assert.Equal(expected.Metadata, actual.Metadata);
        }

        var row = 0;
        foreach (var batch in reader.ReadRecordBatches())
        {
            for (var c = 0; c < table.Columns.Length; c++)
            {
                var column = batch.Column(c);
                for (var i = 0; i < batch.Length; i++)
                {
                    var expected = table.Columns[c][row + i];
                    var actual = column.GetValue(i);
                    // Equals (not ==) so that NaN matches NaN; floats compare exactly.
                    Assert.True(Equals(expected, actual),
                        $"{context}: column {column.Field.Name} row {row + i}: wrote {expected ?? "null"}, read {actual ?? "null"}");
                }
            }

            row += batch.Length;
        }

        Assert.Equal(table.Rows, row);
    }
}
