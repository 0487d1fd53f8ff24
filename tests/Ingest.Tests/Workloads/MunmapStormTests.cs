using MmReplay.Ingest.Workloads;
using MmReplay.Replay;
using Xunit.Abstractions;

namespace MmReplay.Ingest.Tests.Workloads;

public sealed class MunmapStormTests(ITestOutputHelper output)
{
    public static TheoryData<string> Presets() => new(KernelPolicy.PresetNames);

    /// <summary>
    /// x86 flush_tlb_mm_range sends a shootdown to every other CPU of mm_cpumask that is running the mm (its
    /// loaded mm is this one). Two things flush here: a munmap that cleared a PTE (tlb_finish_mmu flushes the
    /// gathered range; a page has a PTE iff it was read or written since its mmap), and the first write to a page
    /// that was only read so far (the read mapped the shared zero page; the write fault replaces it by a new page,
    /// ptep_clear_flush). Derived from the trace alone, a CPU running the mm of the last event it executed. The
    /// policies of part 1 change neither flush, so every preset gives the same count: 2 processes x 3 threads
    /// over 4 CPUs.
    /// </summary>
    [Theory]
    [MemberData(nameof(Presets))]
    public void Remote_shootdowns_follow_the_unmaps_of_touched_pages_on_cpus_running_the_mm(string preset)
    {
        var options = Generated.Options(WorkloadCatalog.MunmapStorm, 4, events: 4_000) with { Processes = 2 };
        var (events, _) = Generated.InMemory(options);

        var loaded = new int[options.Cpus];
        var ranOn = new Dictionary<int, ulong>();
        var touched = new Dictionary<(int Pid, ulong Page), bool>(); // page -> written (false: the zero page)
        long expected = 0, unmapsOfTouched = 0, zeroPageCows = 0;
        long Others(in TraceEvent e)
        {
            var n = 0;
            for (var cpu = 0; cpu < options.Cpus; cpu++)
            {
                n += cpu != e.Cpu && (ranOn[e.Pid] & (1UL << cpu)) != 0 && loaded[cpu] == e.Pid ? 1 : 0;
            }

            return n;
        }

        foreach (var e in events)
        {
            loaded[e.Cpu] = e.Pid;
            ranOn[e.Pid] = ranOn.GetValueOrDefault(e.Pid) | (1UL << e.Cpu);
            var page = (e.Pid, e.Addr / 4096);
            switch (e.Op)
            {
                case OpCode.Read:
                    touched.TryAdd(page, false);
                    break;
                case OpCode.Write:
                    if (touched.TryGetValue(page, out var written) && !written)
                    {
                        zeroPageCows++;
                        expected += Others(e);
                    }

                    touched[page] = true;
                    break;
                case OpCode.Munmap:
                    var any = false;
                    for (var p = e.Addr / 4096; p < (e.Addr + e.Len) / 4096; p++)
                    {
                        any |= touched.Remove((e.Pid, p));
                    }

                    if (any)
                    {
                        unmapsOfTouched++;
                        expected += Others(e);
                    }

                    break;
            }
        }

        var log = EffectLog.Replay(events, preset, options.Cpus);
        output.WriteLine($"{preset}: {unmapsOfTouched} unmaps of touched pages, {zeroPageCows} zero-page COWs -> {expected} remote shootdowns expected, {log.RemoteShootdowns} replayed");
        Assert.True(unmapsOfTouched > 300 && zeroPageCows > 30, $"only {unmapsOfTouched} unmaps of touched pages, {zeroPageCows} zero-page COWs");
        Assert.True(expected > unmapsOfTouched / 4, $"expected {expected} shootdowns for {unmapsOfTouched} unmaps: the threads hardly share CPUs");
        Assert.Equal(expected, log.RemoteShootdowns);
    }
}
