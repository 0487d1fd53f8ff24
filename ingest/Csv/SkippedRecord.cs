namespace MmReplay.Ingest.Csv;

/// <summary>A record CsvHelper skipped for bad quoting, so no parser ever sees it: rejected in line order by the sequencer.</summary>
public sealed record SkippedRecord(long Line, string Reason, string Raw);
