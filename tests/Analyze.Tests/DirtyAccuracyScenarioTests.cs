namespace MmReplay.Analyze.Tests;

/// <summary>
/// The soft-dirty stories replayed end to end; expected tables derived by hand from kernel-semantics rules.
/// Line numbers count the comment (1) and header (2) lines of each trace.
/// </summary>
public sealed class DirtyAccuracyScenarioTests
{
    private static readonly string[] AccuracyColumns =
        ["pid", "interface", "interval", "start_line", "end_line", "pages_read", "pages_written", "true_positives", "false_positives", "false_negatives", "true_negatives", "precision", "recall"];

    private static readonly string[] MissedColumns =
        ["pid", "interface", "interval", "address", "writes", "first_write_line", "last_write_line", "read_line", "read_op", "cause", "rule"];

    private static readonly string[] SpuriousColumns = ["pid", "interface", "interval", "address", "present", "read_line", "read_op", "cause", "rule"];

    [Fact]
    public async Task Fresh_vma_reads_all_soft_dirty_until_the_first_clear()
    {
        using var run = await ScenarioRun.RunAsync("fresh-vma.csv", "latest");

        // Interval 0 (start of trace .. clear_refs at line 5): line 4 reads 4 holes with bit 55 set (SD-6 + SD-11),
        // none written: 4 false positives, precision 0/4, recall undefined.
        // Interval 1 (from line 5, open): latest read of page 0 is line 8 (written at 7 by a fault, SD-1: TP);
        // pages 2, 3 last read at line 8 and page 1 at line 10, all clean and unwritten (SD-8, SD-2): 3 TN.
        Assert.Equal(
            [
                "pid=100 interface=soft_dirty interval=0 start_line=0 end_line=5 pages_read=4 pages_written=0 true_positives=0 false_positives=4 false_negatives=0 true_negatives=0 precision=0 recall=null",
                "pid=100 interface=soft_dirty interval=1 start_line=5 end_line=-1 pages_read=4 pages_written=1 true_positives=1 false_positives=0 false_negatives=0 true_negatives=3 precision=1 recall=1",
            ],
            run.Table("dirty_accuracy").Project(AccuracyColumns));

        // Each false positive: the page never cleared, cause fresh_vma (rule SD-6), a hole (present 0).
        List<string> spurious = [];
        for (var page = 0; page < 4; page++)
        {
            spurious.Add($"pid=100 interface=soft_dirty interval=0 address=0x{0x10000000 + (page * 0x1000):x} present=0 read_line=4 read_op=pagemap cause=fresh_vma rule=SD-6");
        }

        Assert.Equal(spurious, run.Table("spurious_dirty").Project(SpuriousColumns));
        Assert.Equal(0, run.Table("missed_writes").Count);
        Assert.Equal(1.0 / 5.0, run.Metric("dirty_precision")); // 1 TP, 4 FP over the run
        Assert.Equal(1.0, run.Metric("dirty_recall"));
        Assert.Equal(0.0, run.Metric("missed_writes"));
        Assert.Equal(4.0, run.Metric("spurious_dirty"));
    }

    [Theory]
    [InlineData("linux-3.17")]
    [InlineData("linux-3.18")]
    [InlineData("linux-4.14")]
    [InlineData("linux-5.11")]
    [InlineData("linux-6.1")]
    [InlineData("latest")]
    public async Task Write_clear_write_pagemap_is_exact(string preset)
    {
        using var run = await ScenarioRun.RunAsync("write-clear-write.csv", preset);

        // Line 4 writes both pages; clear_refs 4 at line 5 write-protects and cleans them and flushes the mm
        // (SD-17); line 6 writes page 0 again: the PTE is read-only, the write faults and sets soft-dirty (SD-1).
        // Line 7 reads: page 0 soft-dirty and written (TP), page 1 clean and not written since the clear (TN).
        // Interval 0 had no read: no row.
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 start_line=5 end_line=-1 pages_read=2 pages_written=1 true_positives=1 false_positives=0 false_negatives=0 true_negatives=1 precision=1 recall=1"],
            run.Table("dirty_accuracy").Project(AccuracyColumns));
        Assert.Equal(0, run.Table("missed_writes").Count);
        Assert.Equal(0, run.Table("spurious_dirty").Count);
    }

    [Theory]
    [InlineData("linux-5.8")]
    [InlineData("linux-5.10")]
    public async Task Clear_refs_without_a_flush_misses_the_write_through_the_stale_tlb_entry(string preset)
    {
        using var run = await ScenarioRun.RunAsync("write-clear-write.csv", preset);

        // 1.6 era B regression (0758cd830494, until the v5.11 fix): clear_refs write-protects the PTEs but never
        // flushes; CPU 0 still caches page 0 writable and dirty, so the write at line 6 takes no fault (SD-3) and
        // page 0 reads clean at line 7: a false negative with cause stale_tlb_no_flush (the flush SD-17 requires).
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 start_line=5 end_line=-1 pages_read=2 pages_written=1 true_positives=0 false_positives=0 false_negatives=1 true_negatives=1 precision=null recall=0"],
            run.Table("dirty_accuracy").Project(AccuracyColumns));
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 address=0x40000000 writes=1 first_write_line=6 last_write_line=6 read_line=7 read_op=pagemap cause=stale_tlb_no_flush rule=SD-17"],
            run.Table("missed_writes").Project(MissedColumns));
        Assert.Equal(1.0, run.Metric("missed_writes"));
    }

    [Theory]
    [InlineData("linux-3.17")]
    [InlineData("linux-3.18")]
    [InlineData("linux-4.14")]
    [InlineData("linux-5.10")]
    [InlineData("linux-5.19")]
    [InlineData("debian-5.10.223")]
    public async Task Shared_ext4_mprotect_ro_rw_misses_the_last_write_before_6_0(string preset)
    {
        using var run = await ScenarioRun.RunAsync("mprotect-ext4.csv", preset);

        // WN-3: write (4), clear_refs 4 (5) cleans and write-protects the still hardware-dirty PTE, pagemap (6)
        // reads it clean and unwritten (TN), mprotect r (7), mprotect rw (8): ext4 has page_mkwrite, so
        // dirty_accountable is set and the inverted VM_SOFTDIRTY test (3.18-5.19; 3.17 has no test at all) makes
        // the dirty PTE writable. The write at 9 takes no fault, pagemap (10) reads bit 55 = 0 (observed on
        // Debian 5.10.223). The latest read of the page (line 10) is a false negative.
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 start_line=5 end_line=-1 pages_read=1 pages_written=1 true_positives=0 false_positives=0 false_negatives=1 true_negatives=0 precision=null recall=0"],
            run.Table("dirty_accuracy").Project(AccuracyColumns));
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 address=0x20000000 writes=1 first_write_line=9 last_write_line=9 read_line=10 read_op=pagemap cause=mprotect_dirty_accountable rule=WN-3"],
            run.Table("missed_writes").Project(MissedColumns));
    }

    [Theory]
    [InlineData("linux-6.0")]
    [InlineData("linux-6.1")]
    [InlineData("linux-6.12")]
    [InlineData("latest")]
    public async Task Shared_ext4_mprotect_ro_rw_catches_the_last_write_from_6_0(string preset)
    {
        using var run = await ScenarioRun.RunAsync("mprotect-ext4.csv", preset);

        // 76aefad628aa (v6.0): the PTE stays read-only at line 8, the write at 9 faults (write-notify) and sets
        // soft-dirty (SD-1, observed on 6.1 and 6.12): a true positive and nothing missed.
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 start_line=5 end_line=-1 pages_read=1 pages_written=1 true_positives=1 false_positives=0 false_negatives=0 true_negatives=0 precision=1 recall=1"],
            run.Table("dirty_accuracy").Project(AccuracyColumns));
        Assert.Equal(0, run.Table("missed_writes").Count);
        Assert.Equal(0.0, run.Metric("missed_writes"));
    }

    [Fact]
    public async Task Pinned_page_keeps_soft_dirty_across_clear_refs_from_5_11()
    {
        using var run = await ScenarioRun.RunAsync("pinned-skip.csv", "latest");

        // Line 4 writes both pages (soft-dirty, writable); line 5 pins page 0 for write; clear_refs 4 at line 6
        // skips the pinned writable PTE of the private mapping (SD-16, 9348b73c2e1b) and cleans page 1. Line 7:
        // page 0 reads soft-dirty without a write since the clear (FP, pinned_pte_skip), page 1 clean (TN).
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 start_line=6 end_line=-1 pages_read=2 pages_written=0 true_positives=0 false_positives=1 false_negatives=0 true_negatives=1 precision=0 recall=null"],
            run.Table("dirty_accuracy").Project(AccuracyColumns));
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 address=0x60000000 present=1 read_line=7 read_op=pagemap cause=pinned_pte_skip rule=SD-16"],
            run.Table("spurious_dirty").Project(SpuriousColumns));
    }

    [Fact]
    public async Task Pinned_page_is_cleaned_like_any_other_before_5_11()
    {
        using var run = await ScenarioRun.RunAsync("pinned-skip.csv", "linux-4.14");

        // Before 9348b73c2e1b clear_refs 4 cleans the pinned PTE too: both pages read clean and unwritten (2 TN).
        Assert.Equal(
            ["pid=100 interface=soft_dirty interval=1 start_line=6 end_line=-1 pages_read=2 pages_written=0 true_positives=0 false_positives=0 false_negatives=0 true_negatives=2 precision=null recall=null"],
            run.Table("dirty_accuracy").Project(AccuracyColumns));
        Assert.Equal(0, run.Table("spurious_dirty").Count);
    }
}
