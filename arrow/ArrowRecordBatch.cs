namespace MmReplay.Arrow;

/// <summary>A record batch that was read: its row count and one <see cref="ArrowColumn"/> per field.</summary>
public sealed class ArrowRecordBatch(ArrowSchema schema, int length, IReadOnlyList<ArrowColumn> columns)
{
    public ArrowSchema Schema { get; } = schema;

    public int Length { get; } = length;

    public IReadOnlyList<ArrowColumn> Columns { get; } = columns;

    public ArrowColumn Column(int index) => Columns[index];

    public ArrowColumn Column(string name)
    {
        var index = Schema.IndexOf(name);
        return index >= 0 ? Columns[index] : throw new ArgumentException($"no column named '{name}'", nameof(name));
    }
}
