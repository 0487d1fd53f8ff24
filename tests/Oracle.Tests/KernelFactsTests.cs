using MmReplay.Ingest;
using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

/// <summary>
/// Boots each oracle kernel once (about 13 s each under TCG) with a few small traces and checks facts that
/// kernel-semantics.md states as observed on Debian's 5.10, 6.1 and 6.12. Expected values are derived in the
/// comments from the rule ids.
/// </summary>
[Collection(OracleBoots.Collection)]
public sealed class KernelFactsTests
{
    private const ulong A = 0x10000000;
    private const ulong P = TraceBuilder.Page;

    /// <summary>The hand-written traces this class checks, for the shared boot.</summary>
    public static IEnumerable<OracleTrace> HandTraces() =>
        [new("soft-dirty", SoftDirty.Build()), new("fork", Fork.Build()), new("pin", Pin.Build())];

    [KernelTheory]
    [InlineData("5.10")]
    [InlineData("6.1")]
    [InlineData("6.12")]
    public async Task Debian_kernel_shows_the_specified_soft_dirty_fork_and_pin_facts(string series)
    {
        OracleBoots.Boot boot = await OracleBoots.Get(series);
        OracleRunResult run = boot.Report.Run;
        Assert.StartsWith(series, run.KernelRelease);
        foreach (OracleTraceResult trace in run.Traces)
            Assert.True(trace.Completed, $"{trace.Name} on linux-{series}: exit status {trace.ExitStatus}");
        CheckSoftDirty(new Observed(boot.Result("soft-dirty")));
        CheckFork(new Observed(boot.Result("fork")));
        CheckPin(new Observed(boot.Result("pin")), boot.Result("pin"));

        // The random traces must stay inside what the kernel executes (no failed system call, no signal).
        foreach (OracleTraceResult random in run.Traces.Where(t => t.Name.StartsWith("oracle-random", StringComparison.Ordinal)))
        {
            KernelObservation[] failures = random.Observations.Where(o => o.Kind is ObservationKind.Error or ObservationKind.Segv).ToArray();
            Assert.True(failures.Length == 0, $"{random.Name} on linux-{series}: {string.Join("; ", failures)}");
            Assert.NotEmpty(random.Observations);
        }
    }

    // L2 mmap 4 pages rw private anon; L3 pagemap; L4 write p0; L5 clear_refs 4; L6 pagemap; L7 write p0;
    // L8 write p0; L9 pagemap p0; L10 read p1; L11 read p2; L12 pagemap p1..p2.
    private static TraceBuilder SoftDirty => new TraceBuilder()
        .Mmap(100, A, 4, Prot.Read | Prot.Write)
        .Pagemap(100, A, 4)
        .Write(100, A, value: 7)
        .ClearRefs(100)
        .Pagemap(100, A, 4)
        .Write(100, A, value: 8)
        .Write(100, A, value: 9)
        .Pagemap(100, A)
        .Read(100, A + P)
        .Read(100, A + 2 * P)
        .Pagemap(100, A + P, 2);

    private static void CheckSoftDirty(Observed o)
    {
        // SD-6 + SD-11: a new VMA has VM_SOFTDIRTY, so even holes read soft-dirty, not present.
        for (int page = 0; page < 4; page++)
        {
            KernelObservation entry = o.At(3, A + (ulong)page * P);
            Assert.True(entry.SoftDirty, $"page {page} after mmap: {entry.Value:x}");
            Assert.False(entry.Present);
        }
        Assert.Equal(1, o.At(4, A).Faults); // first touch: an anonymous fault
        // SD-8/SD-9: clear_refs 4 cleared VM_SOFTDIRTY and the PTE bit; the written page stays present
        // and exclusive (only mapper), holes now read 0 (SD-11).
        Assert.True(o.At(6, A).Present);
        Assert.False(o.At(6, A).SoftDirty);
        Assert.True(o.At(6, A).Exclusive);
        for (int page = 1; page < 4; page++)
            Assert.Equal(0UL, o.At(6, A + (ulong)page * P).Value);
        // SD-3/table 1.5: clear_refs 4 write-protected the PTE: the next write faults once, the one after it does not.
        Assert.Equal(1, o.At(7, A).Faults);
        Assert.Equal(0, o.At(8, A).Faults);
        Assert.True(o.At(9, A).SoftDirty); // SD-1
        // Reads of untouched private anon pages map the shared zero page: value 0, one fault each,
        // the same frame for both, and no soft-dirty (SD-2).
        Assert.Equal(0UL, o.At(10, A + P).Value);
        Assert.Equal(1, o.At(10, A + P).Faults);
        KernelObservation zero1 = o.At(12, A + P), zero2 = o.At(12, A + 2 * P);
        Assert.True(zero1.Present && zero2.Present);
        Assert.NotEqual(0UL, zero1.Pfn);
        Assert.Equal(zero1.Pfn, zero2.Pfn);
        Assert.False(zero1.SoftDirty);
    }

    // L2 mmap 2 pages rw private anon; L3 write p0 (11); L4 fork 100->200; L5 pagemap p0 (parent);
    // L6 read p0 (child); L7 write p0 (child, 22); L8 read p0 (parent); L9 pagemap p0 (child);
    // L10 write p0 (parent, 33); L11 pagemap p0 (parent); L12 exit child; L13 read p0 (parent).
    private static TraceBuilder Fork => new TraceBuilder()
        .Mmap(100, A, 2, Prot.Read | Prot.Write)
        .Write(100, A, value: 11)
        .Fork(100, 200)
        .Pagemap(100, A)
        .Read(200, A)
        .Write(200, A, value: 22)
        .Read(100, A)
        .Pagemap(200, A)
        .Write(100, A, value: 33)
        .Pagemap(100, A)
        .Exit(200)
        .Read(100, A);

    private static void CheckFork(Observed o)
    {
        // FK-3: after fork the written page is shared by both mms: the parent's entry is present, not exclusive.
        Assert.True(o.At(5, A).Present);
        Assert.False(o.At(5, A).Exclusive);
        // fork copied the anon PTE: the child reads the parent's value without a fault.
        Assert.Equal(11UL, o.At(6, A, 200).Value);
        Assert.Equal(0, o.At(6, A, 200).Faults);
        // The child's write takes the COW fault; the parent keeps its own value.
        Assert.Equal(1, o.At(7, A, 200).Faults);
        Assert.Equal(11UL, o.At(8, A).Value);
        // The child's copy is its own (exclusive, soft-dirty by SD-1).
        Assert.True(o.At(9, A, 200).Exclusive);
        Assert.True(o.At(9, A, 200).SoftDirty);
        // The parent's PTE is still write-protected from fork: its write faults (reuse or copy, FK-5),
        // after which its page is exclusive again.
        Assert.Equal(1, o.At(10, A).Faults);
        Assert.True(o.At(11, A).Exclusive);
        Assert.Equal(33UL, o.At(13, A).Value);
    }

    // L2 mmap 2 pages rw; L3 write p0..p1; L4 pin p0 (io_uring: FOLL_WRITE|FOLL_LONGTERM); L5 clear_refs 4;
    // L6 pagemap p0..p1; L7 write p0; L8 write p1; L9 dma_write p0 (99); L10 read p0; L11 write p0 (5);
    // L12 dma_read p0; L13 tlb_flush (recorded: skipped); L14 unpin p0.
    private static TraceBuilder Pin => new TraceBuilder()
        .Mmap(100, A, 2, Prot.Read | Prot.Write)
        .Write(100, A, 2, value: 1)
        .Pin(100, A, 1)
        .ClearRefs(100)
        .Pagemap(100, A, 2)
        .Write(100, A, value: 2)
        .Write(100, A + P, value: 3)
        .DmaWrite(100, A, value: 99)
        .Read(100, A)
        .Write(100, A, value: 5)
        .DmaRead(100, A)
        .Add(new TraceEvent { Op = OpCode.TlbFlush, Pid = 100, Count = -1 })
        .Unpin(100, A, 1);

    private static void CheckPin(Observed o, OracleTraceResult trace)
    {
        // SD-16 (v5.11, backported to Debian's 5.10.223): clear_refs 4 skips the pinned, writable, exclusive
        // anon page: it keeps soft-dirty and its write bit (the next write takes no fault); the unpinned page
        // reads clean and faults.
        Assert.True(o.At(6, A).SoftDirty);
        Assert.False(o.At(6, A + P).SoftDirty);
        Assert.Equal(0, o.At(7, A).Faults);
        Assert.Equal(1, o.At(8, A + P).Faults);
        // The pin holds the frame the CPU maps: DMA and CPU see each other's writes.
        Assert.Equal(99UL, o.At(10, A).Value);
        Assert.Equal(5UL, o.At(12, A).Value);
        Assert.DoesNotContain(trace.Observations, x => x.Kind == ObservationKind.Error);
        SkippedOp skipped = Assert.Single(trace.OpList.Skipped);
        Assert.Equal(13, skipped.Line);
        Assert.Equal(OpCode.TlbFlush, skipped.Op);
    }

    /// <summary>Looks up the one observation of a trace line, page and pid, with a message naming all of them.</summary>
    private sealed class Observed(OracleTraceResult trace)
    {
        public KernelObservation At(long line, ulong addr, int pid = 100)
        {
            foreach (KernelObservation o in trace.Observations)
            {
                if (o.Line == line && o.Addr == addr && o.Pid == pid)
                    return o;
            }
            throw new Xunit.Sdk.XunitException($"{trace.Name}: no observation for line {line} pid {pid} addr {addr:x}; have:\n" +
                string.Join('\n', trace.Observations));
        }
    }
}
