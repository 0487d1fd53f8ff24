namespace MmReplay.Arrow;

/// <summary>An ordered list of fields plus custom key/value metadata for the whole table.</summary>
public sealed class ArrowSchema
{
    public ArrowSchema(IReadOnlyList<ArrowField> fields, IReadOnlyList<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(fields);
        Fields = fields;
        Metadata = metadata ?? [];
    }

    public IReadOnlyList<ArrowField> Fields { get; }

    /// <summary>Custom key/value metadata, kept in the given order. Prefer namespaced keys ("mmreplay.x"): "pandas" is special to pyarrow.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>Index of the field called <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Fields.Count; i++)
        {
            if (Fields[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
