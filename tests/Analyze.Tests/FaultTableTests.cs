namespace MmReplay.Analyze.Tests;

public sealed class FaultTableTests
{
    [Fact]
    public async Task Fresh_vma_trace_has_one_write_fault_and_one_zero_page_read_fault()
    {
        using var run = await ScenarioRun.RunAsync("fresh-vma.csv", "latest");
        var faults = run.Table("faults");

        // Trace lines (line 1 comment, 2 header): 7 write 0x10000000, 9 read 0x10001000; no other op touches memory.
        // Line 7: a write to a not-present PTE: error code U|W = 0x6 (TL-4), do_anonymous_page allocates (new-page).
        // Line 9: a read of a not-present PTE: U = 0x4, do_anonymous_page maps the shared zero page (zero-page).
        Assert.Equal(
            [
                "line=7 op=write pid=100 cpu=0 address=0x10000000 error_code=6 access=write protection=0 resolution=new-page gup=0",
                "line=9 op=read pid=100 cpu=0 address=0x10001000 error_code=4 access=read protection=0 resolution=zero-page gup=0",
            ],
            faults.Project("line", "op", "pid", "cpu", "address", "error_code", "access", "protection", "resolution", "gup"));
        Assert.NotEqual(-1L, faults.Get(0, "frame"));
        Assert.Equal(2.0, run.Metric("faults"));
        Assert.Equal(1.0, run.Metric("write_faults"));
        Assert.Equal(1.0, run.Metric("faults.zero-page"));
    }

    [Theory]
    [InlineData("linux-5.10", null)]
    [InlineData("linux-6.1", "line=9 op=write address=0x20000000 error_code=7 access=write protection=1 resolution=write-notify")]
    public async Task Ext4_mprotect_story_faults_on_the_last_write_only_from_6_0(string preset, string? lastWriteFault)
    {
        using var run = await ScenarioRun.RunAsync("mprotect-ext4.csv", preset);
        var faults = run.Table("faults").Project("line", "op", "address", "error_code", "access", "protection", "resolution");

        // Line 4: first write to the shared ext4 page, not present: U|W = 0x6, do_shared_fault (file-map).
        // Line 9: WN-3. <6.0 the inverted dirty_accountable test made the PTE writable at line 8: no fault.
        // 6.0+ (76aefad628aa) keeps it read-only: U|W|P = 0x7, do_wp_page on a shared mapping (write-notify).
        List<string> expected = ["line=4 op=write address=0x20000000 error_code=6 access=write protection=0 resolution=file-map"];
        if (lastWriteFault is not null)
        {
            expected.Add(lastWriteFault);
        }

        Assert.Equal(expected, faults);
    }
}
