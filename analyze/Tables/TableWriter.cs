using MmReplay.Analyze.Runs;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Tables;

/// <summary>
/// Streams one table to &lt;output&gt;/&lt;name&gt;.arrow (temporary name, renamed on completion), filling the
/// common columns itself so analyzers append only their own values, then call <see cref="EndRow"/>.
/// </summary>
public sealed class TableWriter : IDisposable
{
    /// <summary>
    /// Rows per record batch. A pending batch of a wide table this size (about 1 MB) stays in the core's L2
    /// cache while rows are appended column by column; 64 K rows (6 MB) spilled and made every append a miss.
    /// </summary>
    private const int BatchRows = 8192;

    private readonly ArrowWriter _arrow;
    private readonly DictionaryColumnBuilder _trace;
    private readonly DictionaryColumnBuilder _policy;
    private readonly PrimitiveColumnBuilder<ulong> _seed;
    private readonly ulong _seedValue;
    private readonly string _file;

    public TableWriter(RunContext run, TableSchema schema)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(schema);
        Schema = schema;
        _file = schema.Name + ".arrow";
        _arrow = ArrowWriter.Create(Path.Combine(run.OutputDirectory, _file), schema.ToArrow(run), new ArrowWriterOptions { BatchRows = BatchRows });
        _trace = _arrow.Dictionary(0);
        _policy = _arrow.Dictionary(1);
        _seed = _arrow.UInt64(2);
        _seedValue = run.Seed;
    }

    public TableSchema Schema { get; }

    public long Rows => _arrow.RowCount;

    public ArrowWriter Arrow => _arrow;

    /// <summary>Column index of one of the schema's own columns (look it up once, outside the row loop).</summary>
    public int Column(string name) => Schema.IndexOf(name);

    public void EndRow()
    {
        _trace.Append(0);
        _policy.Append(0);
        _seed.Append(_seedValue);
        _arrow.EndRow();
    }

    public TableEntry Complete()
    {
        _arrow.Complete();
        return new TableEntry(Schema.Name, _file, _arrow.RowCount);
    }

    public void Dispose() => _arrow.Dispose();
}
