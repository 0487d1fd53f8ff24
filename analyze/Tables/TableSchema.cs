using MmReplay.Arrow;

namespace MmReplay.Analyze.Tables;

/// <summary>
/// An output table: its name (the file is &lt;name&gt;.arrow), what one row means, and its columns after the
/// three common ones (trace, policy, seed) that every table starts with.
/// </summary>
public sealed record TableSchema(string Name, string RowMeaning, IReadOnlyList<ColumnSpec> Columns)
{
    /// <summary>
    /// A table that spans many runs (a comparison): it carries its own trace/policy columns with varying values
    /// instead of the three common columns of a run.
    /// </summary>
    public bool Standalone { get; init; }

    /// <summary>Columns every table starts with, so tables of many runs concatenate.</summary>
    public static IReadOnlyList<ColumnSpec> CommonColumns { get; } =
    [
        new("trace", ArrowType.DictionaryUtf8, "trace name (file name without extensions)"),
        new("policy", ArrowType.DictionaryUtf8, "kernel policy preset name, with overrides as name+knob=value"),
        new("seed", ArrowType.UInt64, "seed of the run"),
    ];

    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (Columns[i].Name == column)
            {
                return CommonColumns.Count + i;
            }
        }

        throw new ArgumentException($"table {Name} has no column '{column}'", nameof(column));
    }

    public ArrowSchema ToArrow(RunContext run)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (Standalone)
        {
            return ToArrow();
        }

        var fields = new List<ArrowField>
        {
            new("trace", ArrowType.DictionaryUtf8, nullable: false, dictionaryValues: [run.Trace]),
            new("policy", ArrowType.DictionaryUtf8, nullable: false, dictionaryValues: [run.Policy]),
            new("seed", ArrowType.UInt64, nullable: false),
        };
        foreach (var column in Columns)
        {
            fields.Add(column.ToField());
        }

        return new ArrowSchema(fields, [new("mmreplay.table", Name), new("mmreplay.row", RowMeaning)]);
    }

    /// <summary>The schema of a <see cref="Standalone"/> table: its own columns only.</summary>
    public ArrowSchema ToArrow()
    {
        var fields = new List<ArrowField>();
        foreach (var column in Columns)
        {
            fields.Add(column.ToField());
        }

        return new ArrowSchema(fields, [new("mmreplay.table", Name), new("mmreplay.row", RowMeaning)]);
    }

    /// <summary>Index of a column of a <see cref="Standalone"/> table.</summary>
    public int OwnIndexOf(string column) => IndexOf(column) - CommonColumns.Count;
}
