namespace MmReplay.Analyze.Tests;

public sealed class ObservationTableTests
{
    private const ulong Present = 1UL << 63;
    private const ulong Exclusive = 1UL << 56;
    private const ulong SoftDirty = 1UL << 55;

    [Fact]
    public async Task Pagemap_entries_are_decoded_into_their_bits()
    {
        using var run = await ScenarioRun.RunAsync("fresh-vma.csv", "latest");
        var table = run.Table("observations");
        var rows = table.Project("line", "kind", "address", "present", "swapped", "file_shared", "uffd_wp", "exclusive", "soft_dirty");

        // 4 + 4 + 4 pagemap entries (lines 4, 6, 8), one read value (line 9), one pagemap entry (line 10).
        Assert.Equal(14, table.Count);
        // Line 4: holes of a fresh VMA: only bit 55 (SD-6 VM_SOFTDIRTY on mmap, SD-11 holes report it).
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal($"line=4 kind=pagemap address=0x{0x10000000 + (i * 0x1000):x} present=0 swapped=0 file_shared=0 uffd_wp=0 exclusive=0 soft_dirty=1", rows[i]);
            Assert.Equal(SoftDirty, table.Get(i, "value"));
            Assert.Equal(-1L, table.Get(i, "frame"));
        }

        // Line 6: after clear_refs 4 the holes read 0 (SD-8 clears VM_SOFTDIRTY).
        for (var i = 4; i < 8; i++)
        {
            Assert.Equal(0UL, table.Get(i, "value"));
        }

        // Line 8, first page: written by a write fault: present, anon (bit 61 clear, PM-1), mapped once (bit 56),
        // soft-dirty (SD-1); the PFN field carries the model frame.
        Assert.Equal("line=8 kind=pagemap address=0x10000000 present=1 swapped=0 file_shared=0 uffd_wp=0 exclusive=1 soft_dirty=1", rows[8]);
        var frame = (long)table.Get(8, "frame")!;
        Assert.Equal(Present | Exclusive | SoftDirty | (ulong)frame, table.Get(8, "value"));
        Assert.Equal((ulong)frame, table.Get(8, "pfn"));

        // Line 9: the read of the zero page observes 0; pagemap bit columns are null for a value observation.
        Assert.Equal("line=9 kind=value address=0x10001000 present=null swapped=null file_shared=null uffd_wp=null exclusive=null soft_dirty=null", rows[12]);
        Assert.Equal(0UL, table.Get(12, "value"));

        // Line 10: the zero page is present, not soft-dirty (SD-2: a read fault does not set it), and special:
        // neither file (PM-1 tests the page) nor exclusive.
        Assert.Equal("line=10 kind=pagemap address=0x10001000 present=1 swapped=0 file_shared=0 uffd_wp=0 exclusive=0 soft_dirty=0", rows[13]);
        Assert.Equal(table.Get(12, "frame"), table.Get(13, "frame"));
    }
}
