using System.Globalization;
using MmReplay.Arrow;

namespace MmReplay.Ingest.ArrowTrace;

/// <summary>
/// The Arrow trace format: one typed column per <see cref="TraceEvent"/> field (args already parsed), the op as a
/// dictionary of its names, devices by name, and the page size in the schema metadata. Column order is fixed.
/// </summary>
public static class ArrowTraceSchema
{
    public const int Line = 0, TimeNs = 1, Cpu = 2, Pid = 3, Tid = 4, Op = 5, Addr = 6, Len = 7, Value = 8, PgOff = 9,
        Count = 10, OtherPid = 11, FileId = 12, Dev = 13, ErrorCode = 14, FirstByte = 15;

    /// <summary>Bumped whenever a column's type changes (benchmarks key cached files on it).</summary>
    public const int LayoutVersion = 1;

    /// <summary>The one-byte fields (enums and flags), in column order from <see cref="FirstByte"/>.</summary>
    public static readonly IReadOnlyList<string> ByteColumns =
    [
        "prot", "shared", "backing", "fs", "mmap_flags", "pin_flags", "advice", "access", "clear_refs_type",
        "device_kind", "tlb_reason", "notifier_call", "notifier_event", "enable", "async", "has_value",
    ];

    public static ArrowSchema Create(int pageSize)
    {
        var ops = new List<string>();
        foreach (var spec in OpTable.All)
        {
            ops.Add(spec.Name);
        }

        List<ArrowField> fields =
        [
            new("line", ArrowType.Int64, nullable: false),
            new("time_ns", ArrowType.UInt64, nullable: false),
            new("cpu", ArrowType.Int32, nullable: false),
            new("pid", ArrowType.Int32, nullable: false),
            new("tid", ArrowType.Int32, nullable: false),
            new("op", ArrowType.Dictionary(ArrowTypeId.Int32, ArrowTypeId.Utf8), nullable: false, dictionaryValues: ops),
            new("addr", ArrowType.UInt64, nullable: false),
            new("len", ArrowType.UInt64, nullable: false),
            new("value", ArrowType.UInt64, nullable: false),
            new("pgoff", ArrowType.UInt64, nullable: false),
            new("count", ArrowType.Int64, nullable: false),
            new("other_pid", ArrowType.Int32, nullable: false),
            new("file_id", ArrowType.Int32, nullable: false),
            new("dev", ArrowType.Utf8, nullable: true),
            new("error_code", ArrowType.UInt32, nullable: false),
        ];
        foreach (var name in ByteColumns)
        {
            fields.Add(new ArrowField(name, ArrowType.UInt8, nullable: false));
        }

        return new ArrowSchema(fields,
        [
            new("mmreplay-trace", "v1"),
            new("page_size", pageSize.ToString(CultureInfo.InvariantCulture)),
        ]);
    }
}
