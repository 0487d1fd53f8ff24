using MmReplay.Ingest.Workloads;
using MmReplay.Replay;
using Xunit.Abstractions;

namespace MmReplay.Ingest.Tests.Workloads;

public sealed class CriuDumpTests(ITestOutputHelper output)
{
    private const ulong SoftDirtyBit = 1UL << 55;

    public static TheoryData<string> Presets() => new(KernelPolicy.PresetNames);

    /// <summary>
    /// CRIU's question: does every page written since the last clear_refs 4 show soft-dirty in the next pagemap
    /// read? The truth comes from the trace: writes since the last clear_refs, minus pages unmapped since (their
    /// content is gone; the fresh VMA reports itself soft-dirty anyway). With the flush after clear_refs (every
    /// preset but the 0758cd830494 window), a write through a TLB entry cached writable+dirty before the clear
    /// cannot happen, so no write is missed. In the window (linux-5.8..5.10 here, ClearRefsFlushRegression) hot
    /// pages written before and after a clear on the same CPU stay writable in the TLB and their writes are missed.
    /// </summary>
    [Theory]
    [MemberData(nameof(Presets))]
    public void Pagemap_after_clear_refs_reports_every_write_unless_the_flush_regression_drops_them(string preset)
    {
        // One thread: its CPU keeps the writable+dirty translations of the pages it wrote, so in the regression
        // window every page written in two consecutive intervals is missed (with several threads a write from
        // another CPU faults and catches the page, and misses become rare). No churn: a fresh mmap next to the heap
        // merges into it with VM_SOFTDIRTY, and pagemap then reports the whole heap soft-dirty, hiding misses.
        var options = Generated.Options(WorkloadCatalog.CriuDump, 21, events: 4_000) with { Threads = 1, ChurnEvery = 1e9 };
        var (events, _) = Generated.InMemory(options);
        var log = EffectLog.Replay(events, preset, options.Cpus);

        var written = new HashSet<ulong>();
        long checkedPages = 0, missed = 0, rounds = 0;
        foreach (var e in events)
        {
            switch (e.Op)
            {
                case OpCode.Write:
                    written.Add(e.Addr);
                    break;
                case OpCode.Munmap:
                    written.RemoveWhere(va => va >= e.Addr && va < e.Addr + e.Len);
                    break;
                case OpCode.ClearRefs:
                    written.Clear();
                    break;
                case OpCode.Pagemap:
                    rounds++;
                    foreach (var va in written)
                    {
                        checkedPages++;
                        missed += (log.Pagemap[(e.Line, va)] & SoftDirtyBit) == 0 ? 1 : 0;
                    }

                    break;
            }
        }

        output.WriteLine($"{preset}: {rounds} pagemap rounds, {checkedPages} written pages checked, {missed} not soft-dirty");
        Assert.True(rounds >= 40 && checkedPages > 400, $"{rounds} rounds, {checkedPages} pages checked: too few to tell");
        if (KernelPolicy.Preset(preset).ClearRefsFlushRegression)
        {
            Assert.True(missed > checkedPages / 4, $"{preset}: the stale-TLB regression missed only {missed} writes in {checkedPages} checks");
        }
        else
        {
            Assert.True(missed == 0, $"{preset}: {missed} of {checkedPages} written pages not soft-dirty");
        }
    }
}
