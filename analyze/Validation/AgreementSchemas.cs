using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Validation;

/// <summary>The tables of <c>mmreplay validate</c> (documented in docs/ftrace.md).</summary>
public static class AgreementSchemas
{
    public static TableSchema Ops { get; } = new(
        "agreement",
        "one replayed op of a kernel recording: what the kernel logged next to what the model predicts",
        [
            new("line", ArrowType.Int64, "line of the op in the recording (a syscall's exit line; a fault's own line)"),
            new("op", ArrowType.DictionaryUtf8, "op replayed") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process (mm) of the op"),
            new("tid", ArrowType.Int32, "task that logged it"),
            new("cpu", ArrowType.Int32, "CPU it was logged on"),
            new("addr", ArrowType.UInt64, "fault address, or start of the op's range"),
            new("len", ArrowType.UInt64, "length of the op's range in bytes"),
            new("group_line", ArrowType.Int64, "line of the op heading this op's flush group (a kernel fault inside a syscall points at the syscall's op)"),
            new("recorded_error_code", ArrowType.Int64, "error code the kernel logged for a fault, -1 otherwise"),
            new("predicted_error_code", ArrowType.Int64, "error code the model derived (U bit from the recording), -1 when it took no fault"),
            new("resolution", ArrowType.DictionaryUtf8, "how the model resolved the fault ('' when none)") { Values = Names.Resolutions },
            new("recorded_local_flushes", ArrowType.Utf8, "page counts of the kernel's local flushes (reasons 2, 3) in this group, sorted; -1 = full; on the group's head row only"),
            new("predicted_local_flushes", ArrowType.Utf8, "page counts of the model's local flushes in this group, sorted"),
            new("recorded_ipi_sends", ArrowType.Utf8, "page counts of the kernel's 'remote ipi send' events (reason 4) in this group"),
            new("predicted_ipi_sends", ArrowType.Utf8, "page counts of the model's 'remote ipi send' events in this group"),
            new("recorded_remote_shootdowns", ArrowType.Int32, "the kernel's remote shootdowns (reasons 1, 5) answering this group's IPIs"),
            new("predicted_remote_shootdowns", ArrowType.Int32, "the model's remote shootdowns for this group"),
            new("fault_verdict", ArrowType.DictionaryUtf8, "error code P/W/I bits: kernel vs model") { Values = Names.Verdicts },
            new("local_verdict", ArrowType.DictionaryUtf8, "local flushes of the group (head row only)") { Values = Names.Verdicts },
            new("remote_verdict", ArrowType.DictionaryUtf8, "remote flushes of the group; 'cannot tell' when they differ (CPU residency is not recorded)") { Values = Names.Verdicts },
            new("verdict", ArrowType.DictionaryUtf8, "disagree if any comparison disagrees, else cannot tell if any cannot, else agree") { Values = Names.Verdicts },
            new("note", ArrowType.Utf8, "why a verdict is not 'agree'"),
        ]);

    public static TableSchema Regions { get; } = new(
        "agreement_regions",
        "one mapping the recording showed being made, with the faults inside it by error code and its local flushes",
        [
            new("line", ArrowType.Int64, "line of the mmap (or brk) op that made the mapping"),
            new("pid", ArrowType.Int32, "process that made it (faults of children forked later count too)"),
            new("start", ArrowType.UInt64, "first address"),
            new("end", ArrowType.UInt64, "end address, exclusive"),
            new("recorded_faults", ArrowType.Utf8, "kernel faults as code:count, e.g. 0x4:64 0x7:16"),
            new("predicted_faults", ArrowType.Utf8, "model faults as code:count"),
            new("recorded_local_flushes", ArrowType.Int64, "kernel local flushes of op groups headed in the region"),
            new("predicted_local_flushes", ArrowType.Int64, "model local flushes of those groups"),
            new("verdict", ArrowType.DictionaryUtf8, "agree when fault counts per code and local flush counts are equal") { Values = Names.Verdicts },
        ]);
}
