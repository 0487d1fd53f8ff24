using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Flushes;

/// <summary>The two tables of the TLB-flush analyzer (documented in docs/schemas.md).</summary>
public static class TlbFlushSchemas
{
    public static TableSchema Events { get; } = new(
        "tlb_flushes",
        "one tlb:tlb_flush tracepoint event as x86 would log it",
        [
            new("line", ArrowType.Int64, "source line of the trace event whose op caused the flush"),
            new("op", ArrowType.DictionaryUtf8, "op that caused the flush") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process (mm) flushed, or switched to for a task-switch flush"),
            new("cpu", ArrowType.Int32, "CPU that logged the event"),
            new("initiator_cpu", ArrowType.Int32, "CPU that started the logical flush (differs from cpu for remote shootdowns)"),
            new("reason", ArrowType.DictionaryUtf8, "tracepoint reason string (enum tlb_flush_reason)") { Values = Vocabulary.FlushReasons },
            new("reason_code", ArrowType.Int8, "tracepoint reason number, as printed in parentheses"),
            new("pages", ArrowType.Int64, "4K strides invalidated; -1 = full flush (TLB_FLUSH_ALL), 0 = nothing needed"),
            new("scope", ArrowType.DictionaryUtf8, "what the kernel asked for before x86 widening (page, range, full)") { Values = Vocabulary.FlushScopes },
            new("start", ArrowType.UInt64, "first address of the flushed range (0 for a full flush)"),
            new("end", ArrowType.UInt64, "end of the flushed range, exclusive (2^64-1 for a full flush)"),
            new("target_cpus", ArrowType.UInt64, "bit mask of the CPUs this event concerns (mm_cpumask for an IPI send)"),
            new("flush_id", ArrowType.Int64, "number of the logical flush this event belongs to (TL-3), -1 for task switches"),
        ]);

    public static TableSchema Summary { get; } = new(
        "tlb_flush_summary",
        "flush counts for one op kind (rule TL-3: logical flushes vs CPU work)",
        [
            new("op", ArrowType.DictionaryUtf8, "op kind") { Values = Vocabulary.Ops },
            new("ops", ArrowType.Int64, "events of this op kind that caused at least one flush event"),
            new("logical_flushes", ArrowType.Int64, "remote ipi send + stand-alone local shootdowns"),
            new("cpu_events", ArrowType.Int64, "all tracepoint events (CPU work)"),
            new("ipis", ArrowType.Int64, "remote shootdowns (one per CPU that received an IPI)"),
            new("task_switch", ArrowType.Int64, "events with reason 'flush on task switch'"),
            new("remote_shootdown", ArrowType.Int64, "events with reason 'remote shootdown'"),
            new("local_shootdown", ArrowType.Int64, "events with reason 'local shootdown'"),
            new("local_mm_shootdown", ArrowType.Int64, "events with reason 'local mm shootdown'"),
            new("remote_ipi_send", ArrowType.Int64, "events with reason 'remote ipi send'"),
            new("full_flushes", ArrowType.Int64, "logical flushes that invalidated everything (pages = -1)"),
            new("pages", ArrowType.Int64, "pages of the logical flushes that were ranged (full flushes not counted)"),
        ]);
}
