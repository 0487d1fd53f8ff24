using MmReplay.Arrow;

namespace MmReplay.Analyze.Tables;

/// <summary>One documented column of an output table (docs/schemas.md is checked against these).</summary>
public sealed record ColumnSpec(string Name, ArrowType Type, string Description, bool Nullable = false)
{
    /// <summary>The closed vocabulary of a dictionary column, in index order.</summary>
    public IReadOnlyList<string>? Values { get; init; }

    public ArrowField ToField() => new(Name, Type, Nullable, dictionaryValues: Values);
}
