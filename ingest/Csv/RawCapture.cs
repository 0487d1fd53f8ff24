namespace MmReplay.Ingest.Csv;

/// <summary>
/// The original text of a record whose time_ns is below an earlier row's, noted by the in-order scan so that the
/// sequencer, which decides, can quote it in the reject.
/// </summary>
public sealed record RawCapture(long RecordNumber, string Raw);
