namespace MmReplay.Ingest.Csv;

/// <summary>What the row parser returns for one record: the event, or why the row is rejected.</summary>
public struct ParsedRow
{
    public TraceEvent Event;

    /// <summary>CsvHelper's data record number, which pairs the row with what the in-order scan noted about it.</summary>
    public long RecordNumber;

    public RowError? Error;

    /// <summary>Where the record's text starts in the input and its length in bytes (to read it back for a late reject).</summary>
    public long ByteOffset;

    public int RawLength;
}
