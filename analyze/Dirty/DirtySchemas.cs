using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Dirty;

/// <summary>The tables of the dirty-accuracy analyzer (documented in docs/schemas.md).</summary>
public static class DirtySchemas
{
    public static TableSchema Accuracy { get; } = new(
        "dirty_accuracy",
        "one tracking interval of one interface in one mm in which pages were read: the latest report of each page read vs. the ground truth",
        [
            new("pid", ArrowType.Int32, "process (mm) tracked; 0 for clean_range, whose pages are file pages"),
            new("interface", ArrowType.DictionaryUtf8, "tracking interface: soft_dirty (clear_refs 4 + pagemap bit 55), pagemap_scan (written category), clean_range (dirty-helper bitmap)") { Values = Vocabulary.DirtyInterfaces },
            new("interval", ArrowType.Int64, "interval number in this mm and interface, 0 = before the first boundary"),
            new("start_line", ArrowType.Int64, "line of the boundary that opened the interval (clear_refs 4, or the previous round); 0 = start of tracking"),
            new("end_line", ArrowType.Int64, "line of the boundary that closed it (the next clear_refs 4, the round itself, exit/exec); -1 = still open at the end of the trace"),
            new("pages_read", ArrowType.Int64, "distinct pages read in the interval (true + false positives + false + true negatives)"),
            new("pages_written", ArrowType.Int64, "pages read that were truly written before their read (true positives + false negatives)"),
            new("true_positives", ArrowType.Int64, "written and reported dirty"),
            new("false_positives", ArrowType.Int64, "not written but reported dirty (rows in spurious_dirty)"),
            new("false_negatives", ArrowType.Int64, "written but reported clean: missed writes (rows in missed_writes)"),
            new("true_negatives", ArrowType.Int64, "not written and reported clean"),
            new("precision", ArrowType.Float64, "true_positives / (true_positives + false_positives); null when nothing was reported dirty", Nullable: true),
            new("recall", ArrowType.Float64, "true_positives / (true_positives + false_negatives); null when nothing read was written", Nullable: true),
        ]);

    public static TableSchema MissedWrites { get; } = new(
        "missed_writes",
        "one false negative: a page written in the interval whose latest report said clean",
        [
            new("pid", ArrowType.Int32, "process (mm) tracked; 0 for clean_range"),
            new("interface", ArrowType.DictionaryUtf8, "tracking interface") { Values = Vocabulary.DirtyInterfaces },
            new("interval", ArrowType.Int64, "interval number (as in dirty_accuracy)"),
            new("address", ArrowType.UInt64, "page address as the report gave it (clean_range: page offset in the file)"),
            new("writes", ArrowType.Int64, "ground-truth writes to the page in the interval before the report"),
            new("first_write_line", ArrowType.Int64, "line of the first of those writes"),
            new("last_write_line", ArrowType.Int64, "line of the last of those writes"),
            new("read_line", ArrowType.Int64, "line of the report that said clean"),
            new("read_op", ArrowType.DictionaryUtf8, "op of that report (pagemap, pagemap_scan, clean_range)") { Values = Vocabulary.Ops },
            new("cause", ArrowType.DictionaryUtf8, "why the write was missed: the model's cause, else derived (docs/schemas.md, dirty causes)") { Values = Vocabulary.DirtyCauses },
            new("rule", ArrowType.Utf8, "kernel-semantics rule id of the cause, empty when unknown"),
        ]);

    public static TableSchema SpuriousDirty { get; } = new(
        "spurious_dirty",
        "one false positive: a page not written in the interval whose latest report said dirty",
        [
            new("pid", ArrowType.Int32, "process (mm) tracked; 0 for clean_range"),
            new("interface", ArrowType.DictionaryUtf8, "tracking interface") { Values = Vocabulary.DirtyInterfaces },
            new("interval", ArrowType.Int64, "interval number (as in dirty_accuracy)"),
            new("address", ArrowType.UInt64, "page address as the report gave it (clean_range: page offset in the file)"),
            new("present", ArrowType.Bool, "the page was present when reported (pagemap bit 63; true for the other interfaces)"),
            new("read_line", ArrowType.Int64, "line of the report that said dirty"),
            new("read_op", ArrowType.DictionaryUtf8, "op of that report") { Values = Vocabulary.Ops },
            new("cause", ArrowType.DictionaryUtf8, "why the page read dirty: the model's cause, else derived (docs/schemas.md, dirty causes)") { Values = Vocabulary.DirtyCauses },
            new("rule", ArrowType.Utf8, "kernel-semantics rule id of the cause, empty when unknown"),
        ]);
}
