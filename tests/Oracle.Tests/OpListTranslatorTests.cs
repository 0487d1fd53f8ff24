using MmReplay.Ingest;
using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

public sealed class OpListTranslatorTests
{
    private const ulong A = 0x10000000;
    private const ulong P = TraceBuilder.Page;

    [Fact]
    public void Small_trace_becomes_the_exact_op_list()
    {
        TraceEvent[] trace = new TraceBuilder()
            .Mmap(100, A, 4, Prot.Read | Prot.Write)                        // line 2
            .Mmap(100, 0x20000000, 2, Prot.Read, shared: true, fileId: 3, pgoff: 1, flags: MmapFlags.Populate) // 3
            .Write(100, A + 5, 2, value: 0x2a)                             // 4: unaligned start covers 3 pages
            .Fork(100, 200)                                                // 5
            .Madvise(200, A, 1, Advice.DontNeed)                           // 6
            .ClearRefs(200)                                                // 7
            .Pagemap(200, A, 4)                                            // 8
            .Mremap(100, A, 4, 0x30000000)                                 // 9
            .Exit(200)                                                     // 10
            .Build();

        OpList list = OpListTranslator.Translate(trace);

        // prot rw = PROT_READ|PROT_WRITE = 3; the file mapping is shared (1) + file (2) + populate (4) = 7,
        // file 3 sized to (pgoff 1 + 2 pages) * 4096 = 12288 bytes; MADV_DONTNEED = 4.
        Assert.Equal(
            "mmoracle v1\n" +
            "pid 100 1\n" +
            "pid 200 0\n" +
            "file 3 12288\n" +
            "op 2 100 mmap 10000000 4000 3 0 0 0\n" +
            "op 3 100 mmap 20000000 2000 1 7 3 1\n" +
            "op 4 100 write 10000000 3000 2a 0 0 0\n" +
            "op 5 100 fork 0 0 c8 0 0 0\n" +
            "op 6 200 madvise 10000000 1000 4 0 0 0\n" +
            "op 7 200 clear_refs 0 0 4 0 0 0\n" +
            "op 8 200 pagemap 10000000 4000 0 0 0 0\n" +
            "op 9 100 mremap 10000000 4000 30000000 4000 0 0\n" +
            "op 10 200 exit 0 0 0 0 0 0\n",
            list.ToText());
        Assert.Empty(list.Skipped);
    }

    [Fact]
    public void Ops_without_a_user_space_equivalent_are_reported_skipped_in_order()
    {
        TraceEvent[] trace = new TraceBuilder()
            .Mmap(100, A, 1, Prot.Read | Prot.Write)                                                // 2
            .Add(new TraceEvent { Op = OpCode.DevAttach, Pid = 100 })                               // 3
            .Add(new TraceEvent { Op = OpCode.Mmap, Pid = 100, Addr = A + 0x100000, Backing = Backing.File, Fs = FileSystem.Ext4 }) // 4
            .Pin(100, A, 1, PinFlags.Fast)                                                          // 5: R/O pin
            .Add(new TraceEvent { Op = OpCode.SwapOut, Pid = 100, Addr = A })                       // 6
            .Add(new TraceEvent { Op = OpCode.UffdWp, Pid = 100, Addr = A, Enable = true })         // 7: sync
            .Add(new TraceEvent { Op = OpCode.UffdWp, Pid = 100, Addr = A, Enable = true, Async = true }) // 8: runs
            .Build();

        OpList list = OpListTranslator.Translate(trace);

        Assert.Equal([3L, 4, 5, 6, 7], list.Skipped.Select(s => s.Line));
        Assert.Equal([OpCode.DevAttach, OpCode.Mmap, OpCode.Pin, OpCode.SwapOut, OpCode.UffdWp], list.Skipped.Select(s => s.Op));
        Assert.Equal(["mmap", "uffd_wp"], list.Ops.Select(o => o.Name));
        Assert.Equal(new GuestOp(8, 100, "uffd_wp", A, 4096, 1, 1), list.Ops[1]);
    }

    [Fact]
    public void Ops_on_a_skipped_mapping_or_pin_are_skipped_naming_the_line_they_depend_on()
    {
        const ulong B = A + 0x100000;
        TraceEvent[] trace = new TraceBuilder()
            .Add(new TraceEvent { Op = OpCode.Mmap, Pid = 100, Addr = B, Len = 2 * P, Prot = Prot.Read | Prot.Write, Backing = Backing.File, Fs = FileSystem.Ext4 }) // 2: skipped
            .Mmap(100, A, 1, Prot.Read | Prot.Write)                                                // 3
            .Pin(100, A, 1, PinFlags.LongTerm)                                                      // 4: R/O pin, skipped
            .Fork(100, 200)                                                                         // 5
            .Write(200, B + P)                                                                      // 6: the child inherited the skipped mapping
            .DmaRead(100, A)                                                                        // 7: no pin
            .Write(100, A)                                                                          // 8: runs
            .Mmap(100, B, 1, Prot.Read | Prot.Write)                                                // 9: replaces the skipped mapping's first page
            .Write(100, B)                                                                          // 10: runs
            .Build();

        OpList list = OpListTranslator.Translate(trace);

        Assert.Equal([2L, 4, 6, 7], list.Skipped.Select(s => s.Line));
        Assert.Equal("its mapping (line 2) was skipped", list.Skipped[2].Reason);
        Assert.Equal("its pin (line 4) was skipped", list.Skipped[3].Reason);
        Assert.Equal([3L, 5, 8, 9, 10], list.Ops.Select(o => o.Line));
    }

    [Fact]
    public void A_process_that_starts_without_a_fork_is_initial_and_a_fork_of_an_existing_pid_is_rejected()
    {
        OpList list = OpListTranslator.Translate(new TraceBuilder().Read(100, A).Read(300, A).Build());
        Assert.Equal([new GuestProcess(100, true), new GuestProcess(300, true)], list.Processes);

        var e = Assert.Throws<OracleTranslationException>(() =>
            OpListTranslator.Translate(new TraceBuilder().Read(100, A).Read(200, A).Fork(100, 200).Build()));
        Assert.Equal(4, e.Line);
        Assert.Contains("pid 200", e.Message);
    }

    [Fact]
    public void An_op_after_its_process_exit_is_rejected_with_its_line()
    {
        var e = Assert.Throws<OracleTranslationException>(() =>
            OpListTranslator.Translate(new TraceBuilder().Fork(100, 200).Exit(200).Read(200, A).Build()));
        Assert.Equal(4, e.Line);
    }
}
