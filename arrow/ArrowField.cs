namespace MmReplay.Arrow;

/// <summary>
/// One column of a schema. A dictionary column may declare its value list up front (closed vocabularies:
/// kernel reasons, op names); the writer can still add values until its first record batch is written.
/// </summary>
public sealed class ArrowField
{
    public ArrowField(string name, ArrowType type, bool nullable = true,
        IReadOnlyList<KeyValuePair<string, string>>? metadata = null,
        IReadOnlyList<string>? dictionaryValues = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(type);
        if (dictionaryValues is not null && type.Id != ArrowTypeId.Dictionary)
        {
            throw new ArgumentException($"field '{name}': dictionary values given for a {type} column", nameof(dictionaryValues));
        }

        Name = name;
        Type = type;
        Nullable = nullable;
        Metadata = metadata ?? [];
        DictionaryValues = dictionaryValues ?? [];
    }

    public string Name { get; }

    public ArrowType Type { get; }

    public bool Nullable { get; }

    /// <summary>Custom key/value metadata, kept in the given order (so output bytes are deterministic).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>Declared dictionary values (writer side); empty for other types.</summary>
    public IReadOnlyList<string> DictionaryValues { get; }

    /// <summary>Dictionary id as stored in the file (reader side; the writer numbers dictionaries 0, 1, ...).</summary>
    public long DictionaryId { get; init; }

    public override string ToString() => $"{Name}: {Type}{(Nullable ? "" : " not null")}";
}
