using MmReplay.Ingest;

namespace MmReplay.Ingest.Tests;

public sealed class CsvReaderTests
{
    private const string Header = "time_ns,cpu,pid,tid,op,addr,len,args\n";

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Spec_example_reads_into_six_events(int parallelism)
    {
        // The example of trace-format.md, verbatim.
        using var file = new TraceFile("""
            # mmreplay-trace v1
            time_ns,cpu,pid,tid,op,addr,len,args
            0,0,100,100,mmap,0x10000000,16384,prot=rw map=private backing=anon
            10,0,100,100,write,0x10000000,4096,value=1
            20,0,100,100,clear_refs,,,type=4
            30,0,100,100,pagemap,0x10000000,16384,
            40,1,100,101,write,0x10001000,4096,value=2
            50,0,100,100,pagemap,0x10000000,16384,

            """);
        var (events, rejects, info) = file.Read(parallelism);

        Assert.Empty(rejects);
        Assert.Equal(6, events.Count);
        Assert.Equal((6L, 6L, 0L), (info.RowsRead, info.EventsEmitted, info.RowsRejected));
        Assert.Equal(4096, info.PageSize);

        var mmap = events[0];
        Assert.Equal((OpCode.Mmap, 0x10000000UL, 16384UL, Prot.Read | Prot.Write, false, Backing.Anon, 3L),
            (mmap.Op, mmap.Addr, mmap.Len, mmap.Prot, mmap.Shared, mmap.Backing, mmap.Line));
        Assert.Equal((OpCode.Write, 10UL, 1UL, true), (events[1].Op, events[1].TimeNs, events[1].Value, events[1].HasValue));
        Assert.Equal((OpCode.ClearRefs, (byte)4, 0UL, 0UL), (events[2].Op, events[2].ClearRefsType, events[2].Addr, events[2].Len));
        Assert.Equal((1, 100, 101, 0x10001000UL, 2UL), (events[4].Cpu, events[4].Pid, events[4].Tid, events[4].Addr, events[4].Value));
        Assert.Equal(100, events[3].Tid); // tid given equal to pid
        Assert.Equal(8L, events[5].Line);
    }

    [Fact]
    public void Defaults_follow_row_order_when_columns_are_absent()
    {
        // No time_ns, tid, len: time = data row number, tid = pid, len = one page (page_size=16384 from the header),
        // write value = data row number (row 2 after one comment line inside the data: comments do not count).
        using var file = new TraceFile("""
            # page_size=16384
            cpu,pid,op,addr,args
            0,7,mmap,0x40000,prot=rw map=shared backing=anon
            # a comment between rows
            0,7,write,0x40010,
            0,7,write,0x40020,value=0x99

            """);
        var (events, rejects, info) = file.Read();

        Assert.Empty(rejects);
        Assert.Equal(16384, info.PageSize);
        Assert.Equal([1UL, 2UL, 3UL], events.Select(e => e.TimeNs));
        Assert.Equal([7, 7, 7], events.Select(e => e.Tid));
        Assert.Equal([16384UL, 16384UL, 16384UL], events.Select(e => e.Len));
        Assert.Equal((2UL, false), (events[1].Value, events[1].HasValue));
        Assert.Equal((0x99UL, true), (events[2].Value, events[2].HasValue));
        Assert.Equal(FileSystem.Shmem, events[0].Fs); // shared anonymous memory is shmem
        Assert.Equal([3L, 5L, 6L], events.Select(e => e.Line));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Device_ids_follow_first_appearance(int parallelism)
    {
        var rows = Header
            + "0,0,1,1,dev_attach,,,dev=gpu kind=ats\n"
            + "1,0,1,1,dev_attach,,,dev=nic kind=iommu\n"
            + "2,0,1,1,dev_read,0x1000,,dev=nic\n"
            + "3,0,1,1,dev_write,0x1000,,dev=gpu\n"
            + "4,0,1,1,dev_detach,,,dev=kvm0\n";
        using var file = new TraceFile(rows);
        var (events, rejects, info) = file.Read(parallelism);

        Assert.Empty(rejects);
        Assert.Equal(["gpu", "nic", "kvm0"], info.DeviceNames);
        Assert.Equal([0, 1, 1, 0, 2], events.Select(e => e.Device));
        Assert.Equal((DeviceKind.Ats, DeviceKind.Iommu), (events[0].DeviceKind, events[1].DeviceKind));
        Assert.Equal(4UL, events[3].Value); // dev_write value defaults to its data row number
    }
}
