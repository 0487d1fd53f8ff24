namespace MmReplay.Ingest;

/// <summary>The trace formats <see cref="TraceReaders"/> recognises (compression is separate: <see cref="TraceInfo.Gzip"/>).</summary>
public enum TraceFormat
{
    Csv,
    Arrow,
    Ftrace,
    /// <summary>Generated on the fly by a workload model (ingest/Workloads), not read from a file.</summary>
    Generated,
}
