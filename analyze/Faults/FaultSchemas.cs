using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Faults;

/// <summary>The table of the fault analyzer (documented in docs/schemas.md).</summary>
public static class FaultSchemas
{
    public static TableSchema Faults { get; } = new(
        "faults",
        "one page fault the model handled (a CPU #PF, or a fault GUP took on behalf of a pin or populate)",
        [
            new("line", ArrowType.Int64, "source line of the trace event whose op faulted"),
            new("op", ArrowType.DictionaryUtf8, "op that faulted") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process (mm) that faulted"),
            new("cpu", ArrowType.Int32, "CPU of the trace event"),
            new("address", ArrowType.UInt64, "faulting page address"),
            new("error_code", ArrowType.UInt32, "x86 page-fault error code (bit 0 P, 1 W, 2 U, 4 I); 0 for a GUP read fault"),
            new("access", ArrowType.DictionaryUtf8, "access kind of the error code: exec if I, else write if W, else read") { Values = Vocabulary.FaultAccesses },
            new("protection", ArrowType.Bool, "error code bit P: the PTE was present, the access was refused (TL-4)"),
            new("resolution", ArrowType.DictionaryUtf8, "how the kernel resolved it (kernel path, e.g. write-notify = do_wp_page on a shared mapping)") { Values = Vocabulary.FaultResolutions },
            new("frame", ArrowType.Int64, "model frame mapped after the fault, -1 when none (SIGSEGV, not present)"),
            new("gup", ArrowType.Bool, "taken by GUP (pin, MAP_POPULATE): no hardware fault and no x86 tracepoint"),
        ]);
}
