using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Observations;

/// <summary>The table of the observation analyzer (documented in docs/schemas.md).</summary>
public static class ObservationSchemas
{
    public static TableSchema Observations { get; } = new(
        "observations",
        "one value or tracking entry an op observed for one page (a read's value, a pagemap entry, a PAGEMAP_SCAN or clean_range bit)",
        [
            new("line", ArrowType.Int64, "source line of the trace event that observed it"),
            new("op", ArrowType.DictionaryUtf8, "op that observed it") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process (mm) observed"),
            new("cpu", ArrowType.Int32, "CPU of the trace event"),
            new("address", ArrowType.UInt64, "page address (clean_bit: the page offset in the file, as the bitmap counts it)"),
            new("kind", ArrowType.DictionaryUtf8, "value = a read's value; pagemap = a /proc/pid/pagemap entry; written = PAGEMAP_SCAN's written category; clean_bit = clean_range's bitmap bit") { Values = Vocabulary.ObservationKinds },
            new("value", ArrowType.UInt64, "the value read, or the raw 64-bit pagemap entry, or 1/0 for written and clean_bit"),
            new("frame", ArrowType.Int64, "model frame the page was on, -1 when none (not present)"),
            new("present", ArrowType.Bool, "pagemap bit 63 (page present); null for other kinds", Nullable: true),
            new("swapped", ArrowType.Bool, "pagemap bit 62 (swap entry); null for other kinds", Nullable: true),
            new("file_shared", ArrowType.Bool, "pagemap bit 61 (file page or shared anon, PM-1); null for other kinds", Nullable: true),
            new("uffd_wp", ArrowType.Bool, "pagemap bit 57 (userfaultfd write-protected); null for other kinds", Nullable: true),
            new("exclusive", ArrowType.Bool, "pagemap bit 56 (mapped exclusively, v4.2+); null for other kinds", Nullable: true),
            new("soft_dirty", ArrowType.Bool, "pagemap bit 55 (soft-dirty, SD-9..SD-13); null for other kinds", Nullable: true),
            new("pfn", ArrowType.UInt64, "pagemap bits 0-54: the frame of a present page, swap type (bits 0-4) and offset of a swap entry; null for other kinds", Nullable: true),
        ]);
}
