namespace MmReplay.Ingest.Csv;

/// <summary>A byte range of a plain CSV file that starts at a line start, and how many lines lie before it.</summary>
public readonly record struct CsvChunk(long Start, long End, long LinesBefore);
