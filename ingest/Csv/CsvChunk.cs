namespace MmReplay.Ingest.Csv;

/// <summary>A byte range of a plain CSV file that starts at a line start and ends at one (or at the end of the file).</summary>
public readonly record struct CsvChunk(long Start, long End);
