namespace MmReplay.Ingest;

/// <summary>
/// One rejected row: where it is (<paramref name="File"/>, 1-based physical <paramref name="Line"/>), which column is at
/// fault (empty when the whole row is), why, and the row's original text.
/// </summary>
public readonly record struct Rejection(string File, long Line, string Column, string Reason, string RawText)
{
    /// <summary>"file:line: column 'col': reason" (without the column part when no single column is at fault).</summary>
    public override string ToString() =>
        Column.Length == 0 ? $"{File}:{Line}: {Reason}" : $"{File}:{Line}: column '{Column}': {Reason}";
}
