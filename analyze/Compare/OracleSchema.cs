using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Compare;

/// <summary>
/// The table `mmreplay oracle` writes (docs/oracle.md, docs/schemas.md): what a real kernel showed against what
/// the model replays. Defined here beside the other comparison tables so docs/schemas.md is checked against it.
/// </summary>
public static class OracleSchema
{
    /// <summary>The values of <c>observation</c>.</summary>
    public static IReadOnlyList<string> Observations { get; } = ["read", "write", "pagemap", "segv", "error", "dma_read", "scan", "faults", "skipped"];

    public static TableSchema Table { get; } = new(
        "oracle",
        "one observation of one page by one trace op on a real kernel, beside the model's, or one op the kernel could not run",
        [
            new("trace", ArrowType.Utf8, "trace name"),
            new("policy", ArrowType.Utf8, "the model's policy (the kernel's preset unless --policy)"),
            new("seed", ArrowType.UInt64, "seed of a generated trace (oracle-random), else 0"),
            new("kernel", ArrowType.Utf8, "uname -r of the booted kernel"),
            new("line", ArrowType.Int64, "trace line of the op"),
            new("pid", ArrowType.Int32, "trace pid of the op"),
            new("op", ArrowType.Utf8, "trace op name"),
            new("observation", ArrowType.Utf8, "read, write, pagemap, segv, error, dma_read, scan, faults (fault count of one access) or skipped"),
            new("addr", ArrowType.UInt64, "page address (the op's address for error and skipped rows)"),
            new("kernel_value", ArrowType.UInt64, "what the kernel showed: value, raw pagemap entry, signal, errno, 1 = written; null when it showed nothing", Nullable: true),
            new("model_value", ArrowType.UInt64, "what the model showed (pagemap: PFN field = model frame); null when it showed nothing", Nullable: true),
            new("kernel_faults", ArrowType.Int32, "faults rows: getrusage minor+major faults around the one access", Nullable: true),
            new("model_faults", ArrowType.Int32, "faults rows: the model's CPU faults for that access", Nullable: true),
            new("agree", ArrowType.Bool, "kernel and model agree (pagemap: bits 63 62 61 57 56 55, and frame sharing within one snapshot)"),
            new("note", ArrowType.Utf8, "skip reason, what differs, or why a difference is outside the model's scope"),
        ])
    { Standalone = true };
}
