using MmReplay.Analyze.Runs;
using MmReplay.Ingest;

namespace MmReplay.Analyze.Validation;

/// <summary>The outcome of one validation run: the comparison, the reader's accounting and the tables written.</summary>
public sealed record ValidationRunResult(string Trace, ValidationReport Report, TraceInfo Info, IReadOnlyList<TableEntry> Tables);
