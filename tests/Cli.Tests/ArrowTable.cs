using MmReplay.Arrow;

namespace MmReplay.Cli.Tests;

/// <summary>An Arrow file read back into rows of name -> value, for assertions.</summary>
public sealed class ArrowTable
{
    private ArrowTable(List<Dictionary<string, object?>> rows) => Rows = rows;

    public List<Dictionary<string, object?>> Rows { get; }

    public static ArrowTable Read(string path)
    {
        using var reader = ArrowReader.Open(path, new ArrowReaderOptions { Strict = true });
        var rows = new List<Dictionary<string, object?>>();
        foreach (var batch in reader.ReadRecordBatches())
        {
            for (var r = 0; r < batch.Length; r++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var column in batch.Columns)
                {
                    row[column.Field.Name] = column.GetValue(r);
                }

                rows.Add(row);
            }
        }

        return new ArrowTable(rows);
    }

    public IEnumerable<Dictionary<string, object?>> Where(string column, object value) =>
        Rows.Where(r => Equals(r[column], value));

    public static long Long(Dictionary<string, object?> row, string column) => Convert.ToInt64(row[column], System.Globalization.CultureInfo.InvariantCulture);
}
