namespace MmReplay.Cli.Tests;

/// <summary>
/// The README's main job: `mmreplay replay traces/default.csv`. Every expected number below is derived by
/// hand from the trace (tools/make-default-trace.py explains each step) and the kernel rules cited; none
/// was copied from the program's output.
/// </summary>
public sealed class DefaultTraceTests
{
    private static (ArrowTable Flushes, ArrowTable Summary, ArrowTable Faults, string Manifest) Replay(string policy)
    {
        var dir = CliRunner.TempDir();
        var result = CliRunner.Run("replay", "traces/default.csv", "--out", dir, "--policy", policy, "--progress", "never");
        Assert.True(result.ExitCode == 0, result.Stderr);
        return (
            ArrowTable.Read(Path.Combine(dir, "tlb_flushes.arrow")),
            ArrowTable.Read(Path.Combine(dir, "tlb_flush_summary.arrow")),
            ArrowTable.Read(Path.Combine(dir, "faults.arrow")),
            File.ReadAllText(Path.Combine(dir, "manifest.json")));
    }

    [Fact]
    public void Latest_faults_match_the_hand_count()
    {
        var (_, _, faults, manifest) = Replay("latest");

        // 170 data rows, all well formed, all modelled ops.
        Assert.Contains("\"read\": 170", manifest, StringComparison.Ordinal);
        Assert.Contains("\"replayed\": 170", manifest, StringComparison.Ordinal);

        // Steps 1-11 (pids 100 and 200); pid 300's tail is checked in Tail_* below.
        faults = FirstEleven(faults);
        var byResolution = faults.Rows.GroupBy(r => (string)r["resolution"]!).ToDictionary(g => g.Key, g => g.Count());
        // zero page (read fault on private anon, SD-2 / FK: map the shared zero page): 8 recorded read faults on
        // A[16..24) + 40 first reads of B = 48, error code 0x4 (not present, read, user: TL-4).
        Assert.Equal(48, byResolution["zero-page"]);
        Assert.All(faults.Where("resolution", "zero-page"), r => Assert.Equal(0x4L, ArrowTable.Long(r, "error_code")));
        // new anon page on a first write (0x6): A[0..16) 16 + C[0..8) 8 = 24.
        Assert.Equal(24, byResolution["new-page"]);
        Assert.All(faults.Where("resolution", "new-page"), r => Assert.Equal(0x6L, ArrowTable.Long(r, "error_code")));
        // COW away from the zero page (0x7, write to a present read-only PTE): A[16..24) 8 + every 4th page of B 10 = 18.
        Assert.Equal(18, byResolution["cow-copy"]);
        Assert.All(faults.Where("resolution", "cow-copy"), r => Assert.Equal(0x7L, ArrowTable.Long(r, "error_code")));
        // SIGSEGV: the write to read-only A+3 (present PTE: 0x7) and the write to read-only, never-touched C (0x6).
        var segv = faults.Where("resolution", "segv").OrderBy(r => ArrowTable.Long(r, "line")).ToList();
        Assert.Equal(2, segv.Count);
        Assert.Equal(0x7L, ArrowTable.Long(segv[0], "error_code"));
        Assert.Equal(0x6L, ArrowTable.Long(segv[1], "error_code"));
        // v6.0+ mprotect(RW) makes exclusive anon PTEs writable at once (WN-4), so the 16 rewrites of A take no fault.
        Assert.False(byResolution.ContainsKey("reuse"));
        Assert.Equal(92, faults.Rows.Count);
    }

    [Fact]
    public void Before_6_0_the_rewrites_after_mprotect_take_reuse_faults()
    {
        var (_, _, all, _) = Replay("linux-5.19");
        var faults = FirstEleven(all);

        // Before v6.0 mprotect leaves private PTEs read-only: each of the 16 rewrites of A takes a write-protect
        // fault (0x7) that reuses the exclusive page in place (FK-5), on top of the 92 faults of latest.
        var reuse = faults.Where("resolution", "reuse").ToList();
        Assert.Equal(16, reuse.Count);
        Assert.All(reuse, r => Assert.Equal(0x7L, ArrowTable.Long(r, "error_code")));
        Assert.Equal(108, faults.Rows.Count);
    }

    [Fact]
    public void Latest_flushes_match_the_hand_count()
    {
        var (flushes, summary, _, _) = Replay("latest");

        // mprotect(A[0..16), R): 16 write-protected PTEs, mm live on CPU 0 (initiator) and CPU 1 (thread 101):
        // TL-3: remote ipi send (CPU 0) + remote shootdown (CPU 1) + local mm shootdown (CPU 0), all 16 pages.
        var mprotect = flushes.Where("op", "mprotect").ToList();
        Assert.Equal(3, mprotect.Count);
        Assert.All(mprotect, r => Assert.Equal(16L, ArrowTable.Long(r, "pages")));
        Assert.Single(mprotect, r => (string)r["reason"]! == "remote shootdown" && ArrowTable.Long(r, "cpu") == 1 && ArrowTable.Long(r, "initiator_cpu") == 0);
        // v6.0+ (Nadav Amit, "do not flush when not required architecturally"): the RW upgrade flushes nothing,
        // so mprotect has exactly one logical flush.
        var mprotectSummary = summary.Where("op", "mprotect").Single();
        Assert.Equal(1L, ArrowTable.Long(mprotectSummary, "logical_flushes"));

        // Writes: 8 zero-page COWs in pid 100 on CPU 1 while CPU 0 runs pid 100 (IPI + remote + local, 1 page each)
        // and 10 zero-page COWs in pid 200, which only ever ran on CPU 1 (local only). ptep_clear_flush: one page.
        var writes = summary.Where("op", "write").Single();
        Assert.Equal(18L, ArrowTable.Long(writes, "logical_flushes"));
        Assert.Equal(8L, ArrowTable.Long(writes, "ipis"));
        Assert.Equal(18L, ArrowTable.Long(writes, "local_mm_shootdown"));
        Assert.All(flushes.Where("op", "write"), r => Assert.Equal(1L, ArrowTable.Long(r, "pages")));

        // munmap: C's two halves (4 present pages each), B (40 pages > 33: TL-1 full flush), A (24 present
        // pages: the gather covers only cleared PTEs). CPU 1 no longer runs pid 100, so no CPU does remote work
        // for it. (Whether an IPI is still *sent* depends on when x86 trims mm_cpumask; not asserted here.)
        var munmapLocal = FirstEleven(flushes).Where("op", "munmap").Where(r => (string)r["reason"]! == "local mm shootdown")
            .Select(r => ArrowTable.Long(r, "pages")).ToList();
        Assert.Equal([4L, 4L, -1L, 24L], munmapLocal);
        Assert.DoesNotContain(flushes.Where("op", "munmap"), r => (string)r["reason"]! == "remote shootdown");
        // ... plus pid 300's munmap of D at the end of the trace: 8 present pages, local only (CPU 2).
        var munmap = summary.Where("op", "munmap").Single();
        Assert.Equal(5L, ArrowTable.Long(munmap, "logical_flushes"));
        Assert.Equal(1L, ArrowTable.Long(munmap, "full_flushes"));
        Assert.Equal(40L, ArrowTable.Long(munmap, "pages"));
    }

    [Fact]
    public void Before_6_0_the_mprotect_upgrade_also_flushes()
    {
        var (_, summary, _, _) = Replay("linux-5.19");

        // Before v6.0 change_protection counts every present PTE it rewrites and flushes the range, so the RW
        // upgrade of A[0..16) is a second 16-page flush with an IPI to CPU 1.
        var mprotect = summary.Where("op", "mprotect").Single();
        Assert.Equal(2L, ArrowTable.Long(mprotect, "logical_flushes"));
        Assert.Equal(2L, ArrowTable.Long(mprotect, "ipis"));
        Assert.Equal(32L, ArrowTable.Long(mprotect, "pages"));
    }

    /// <summary>The rows of pids 100 and 200 (steps 1-11 of tools/make-default-trace.py).</summary>
    private static ArrowTable FirstEleven(ArrowTable table)
    {
        table.Rows.RemoveAll(r => ArrowTable.Long(r, "pid") is 300 or 301);
        return table;
    }

    [Fact]
    public void Tail_soft_dirty_round_pin_fork_and_device_on_latest()
    {
        var dir = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run("replay", "traces/default.csv", "--out", dir, "--progress", "never", "-q").ExitCode);
        var observations = ArrowTable.Read(Path.Combine(dir, "observations.arrow"));
        var flushes = ArrowTable.Read(Path.Combine(dir, "tlb_flushes.arrow"));
        const ulong D = 0x40000000;

        // clear_refs 4 (line 158, era C) write-protects and cleans every PTE of pid 300 and flushes the whole mm
        // (flush_tlb_mm: one full local flush on CPU 2, the only CPU the mm ran on).
        var clear = flushes.Where("op", "clear_refs").Single();
        Assert.Equal(-1L, ArrowTable.Long(clear, "pages"));
        Assert.Equal(2L, ArrowTable.Long(clear, "cpu"));
        // pagemap right after (line 159): no page soft-dirty (SD-9: PTE bit clear, VM_SOFTDIRTY cleared by SD-8).
        var first = observations.Where("line", 159L).ToList();
        Assert.Equal(8, first.Count);
        Assert.All(first, r => Assert.False((bool)r["soft_dirty"]!));
        // after writing D+2 and D+5 (each a write-protect fault that sets soft-dirty, SD-1), exactly those two.
        var second = observations.Where("line", 162L).Where(r => (bool)r["soft_dirty"]!).Select(r => (ulong)r["address"]!).ToList();
        Assert.Equal([D + 2 * 4096, D + 5 * 4096], second);
        // fork with a write-shared anon buffer flushes the parent once, all of it (as the real fork-cow trace shows).
        Assert.Equal(-1L, ArrowTable.Long(flushes.Where("op", "fork").Single(), "pages"));
        // v5.9+ (70e806e4e645): the pinned page is copied for the child at fork, so the parent's write and the
        // DMA write stay on one frame: the parent reads back the device's 777 (line 167), coherently.
        Assert.Equal(777UL, (ulong)observations.Where("line", 167L).Single()["value"]!);
        Assert.Empty(ArrowTable.Read(Path.Combine(dir, "pin_coherence.arrow")).Rows);
        // the child (line 168) reads its own copy, made at fork from the value then in the page (500).
        Assert.Equal(500UL, (ulong)observations.Where("line", 168L).Single()["value"]!);
        // munmap of D with an ATS device attached: the 8-page flush invalidates the device too (v6.6+, MN-5).
        var calls = ArrowTable.Read(Path.Combine(dir, "notifications.arrow"));
        var call = calls.Rows.Single();
        Assert.Equal("arch_invalidate_secondary_tlbs", call["call"]);
        Assert.Equal("gpu0", call["device"]);
        Assert.False((bool)call["redundant"]!);
    }

    [Fact]
    public void Tail_on_5_8_loses_the_pin_and_the_soft_dirty_writes()
    {
        var dir = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run("replay", "traces/default.csv", "--out", dir, "--policy", "linux-5.8", "--progress", "never", "-q").ExitCode);

        // < v5.9: fork shares the pinned page; the parent's write (line 165) COWs away from the DMA frame, and
        // the DMA write (166) lands in the old one (4.2): two incoherent rows, both caused by line 165.
        var pins = ArrowTable.Read(Path.Combine(dir, "pin_coherence.arrow"));
        Assert.Equal([165L, 166L], pins.Rows.Select(r => ArrowTable.Long(r, "line")).ToList());
        Assert.All(pins.Rows, r => Assert.Equal(165L, ArrowTable.Long(r, "cause_line")));
        // 5.5-5.10 clear_refs flush regression: no TLB flush after clearing soft-dirty, so the writes to D+2 and
        // D+5 go through stale writable TLB entries without a fault and the pagemap misses both.
        var missed = ArrowTable.Read(Path.Combine(dir, "missed_writes.arrow")).Rows.Where(r => ArrowTable.Long(r, "pid") == 300).ToList();
        Assert.Equal(2, missed.Count);
    }

    [Fact]
    public void Replaying_twice_gives_byte_identical_outputs()
    {
        var a = CliRunner.TempDir();
        var b = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run("replay", "traces/default.csv", "--out", a, "--progress", "never", "-q").ExitCode);
        Assert.Equal(0, CliRunner.Run("replay", "traces/default.csv", "--out", b, "--progress", "never", "-q").ExitCode);

        var files = Directory.GetFiles(a).Select(Path.GetFileName).Where(f => f != "timing.json").Order(StringComparer.Ordinal).ToList();
        Assert.Contains("tlb_flushes.arrow", files);
        Assert.Contains("manifest.json", files);
        foreach (var file in files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, file!)), File.ReadAllBytes(Path.Combine(b, file!)));
        }
    }
}
