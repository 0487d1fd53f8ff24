using MmReplay.Arrow;

namespace MmReplay.Analyze.Tests;

/// <summary>An Arrow table read back as rows of boxed values (test convenience, not a hot path).</summary>
internal sealed class TableRows
{
    private TableRows(IReadOnlyList<string> columns, List<object?[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<object?[]> Rows { get; }

    public int Count => Rows.Count;

    public static TableRows Read(string path)
    {
        using var reader = ArrowReader.Open(path);
        var columns = new List<string>();
        foreach (var field in reader.Schema.Fields)
        {
            columns.Add(field.Name);
        }

        var rows = new List<object?[]>();
        foreach (var batch in reader.ReadRecordBatches())
        {
            for (var r = 0; r < batch.Length; r++)
            {
                var row = new object?[columns.Count];
                for (var c = 0; c < columns.Count; c++)
                {
                    row[c] = batch.Column(c).GetValue(r);
                }

                rows.Add(row);
            }
        }

        return new TableRows(columns, rows);
    }

    public object? Get(int row, string column)
    {
        var c = IndexOf(column);
        return Rows[row][c];
    }

    /// <summary>The named columns of every row, as one comparable string per row ("a=1 b=x").</summary>
    public List<string> Project(params string[] columns)
    {
        var result = new List<string>();
        foreach (var row in Rows)
        {
            var parts = new string[columns.Length];
            for (var i = 0; i < columns.Length; i++)
            {
                parts[i] = columns[i] + "=" + Format(row[IndexOf(columns[i])]);
            }

            result.Add(string.Join(' ', parts));
        }

        return result;
    }

    private int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i] == column)
            {
                return i;
            }
        }

        throw new ArgumentException($"no column {column} in [{string.Join(", ", Columns)}]");
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        ulong u => "0x" + u.ToString("x"),
        bool b => b ? "1" : "0",
        double d => d.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };
}
