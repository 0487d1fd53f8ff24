using CsvHelper;

namespace MmReplay.Bench;

/// <summary>The trace columns as CsvHelper maps them with no validation: the reference our ingest is measured against.</summary>
[CsvRecord]
public readonly partial record struct BareTraceRow(
    [property: CsvColumn("time_ns")] ulong TimeNs,
    [property: CsvColumn("cpu")] int Cpu,
    [property: CsvColumn("pid")] int Pid,
    [property: CsvColumn("tid")] int Tid,
    [property: CsvColumn("op")] string Op,
    [property: CsvColumn("addr")] string Addr,
    [property: CsvColumn("len")] ulong? Len,
    [property: CsvColumn("args")] string Args);
