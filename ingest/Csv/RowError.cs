namespace MmReplay.Ingest.Csv;

/// <summary>Why a row was rejected: made only on the error path, so valid rows allocate nothing.</summary>
public sealed record RowError(string Column, string Reason)
{
    /// <summary>The row as it is in the input, without its line break.</summary>
    public string Raw { get; set; } = "";
}
