using MmReplay.Ingest;

namespace MmReplay.Ingest.Tests;

/// <summary>
/// Every rejection case of issue #4: each bad row sits between two good rows (lines 3 and 5 of the file: line 1 is
/// the header), so every case must give 2 events, 1 reject, 3 rows read, and the message below for line 4.
/// </summary>
public sealed class RejectionTests
{
    private const string Header = "time_ns,cpu,pid,tid,op,addr,len,args\n";
    private const string Good1 = "10,0,100,100,mmap,0x10000,4096,prot=rw map=private backing=anon\n";
    private const string Good2 = "30,0,100,100,read,0x10000,4096,\n";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "20,0,100,100,wrte,0x10000,4096,", "op", "unknown op 'wrte'" },
        { "20,0,100,100,write,0xZZ,4096,", "addr", "bad hex '0xZZ'" },
        { "20,0,100,100,write,12ab,4096,", "addr", "bad number '12ab'" },
        { "2x,0,100,100,write,0x10000,4096,", "time_ns", "bad number '2x'" },
        { "20,-1,100,100,write,0x10000,4096,", "cpu", "cpu must be >= 0" },
        { "20,0,0,100,write,0x10000,4096,", "pid", "pid must be > 0" },
        { "20,0,100,100,write,0x10000", "len", "missing field (row has 6 fields, header has 8)" },
        { "20,0,100,100,write,0x10000,4096,,extra", "", "too many fields (row has 9, header has 8)" },
        { "20,0,100,100,munmap,0x10800,4096,", "addr", "address 0x10800 is not page-aligned (page size 4096; op 'munmap')" },
        { "20,0,100,100,mprotect,0x10000,100,prot=r", "len", "length 100 is not a multiple of the page size 4096 (op 'mprotect')" },
        { "20,0,100,100,munmap,0x10000,4096,prot=r", "args", "op 'munmap' takes no argument 'prot'" },
        { "20,0,100,100,write,0x10000,4096,colour=red", "args", "unknown argument 'colour'" },
        { "20,0,100,100,mprotect,0x10000,4096,prot=w", "args", "bad value 'w' for prot= (expected none|r|rw|rx|rwx)" },
        { "20,0,100,100,madvise,0x10000,4096,", "args", "missing argument 'advice' (op 'madvise' needs advice)" },
        { "20,0,100,100,write,0x10000,4096,value=1  value=2", "args", "empty argument: args are key=value pairs separated by single spaces" },
        { "20,0,100,100,write,0x10000,4096,value=1 value=2", "args", "argument 'value' given twice" },
        { "20,0,100,100,fork,0x10000,,child=101", "addr", "op 'fork' takes no address" },
        { "20,0,100,100,write,,4096,", "addr", "missing address (op 'write' needs one)" },
        { "20,0,100,100,fault,0x10000,4096,access=read error_code=0x6", "args", "give access= or error_code=, not both" },
        { "20,0,100,100,mmap,0x20000,4096,prot=r map=shared backing=anon file=3", "args", "argument 'file' needs backing=file" },
        { "20,0,100,100,clear_refs,,,type=6", "args", "bad value '6' for type= (expected 1..5)" },
        { "20,0,100,100,pin,0x10000,4096,flags=write|sticky", "args", "bad value 'write|sticky' for flags= (expected a |-separated set of write|longterm|force|fast|honor_numa)" },
        // Time going backwards: 5 < 10, the time of the row before.
        { "5,0,100,100,write,0x10000,4096,", "time_ns", "time goes backwards (5 after 10)" },
        // A quote inside an unquoted field: CsvHelper skips the row; we still reject it, in order, with its text.
        { "20,0,100,100,write,0x10\"000,4096,", "", "bad quoting: a quote inside an unquoted field" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_row_is_rejected_with_file_line_column_and_reason(string badRow, string column, string reason)
    {
        foreach (var parallelism in new[] { 1, 2 })
        {
            using var file = new TraceFile(Header + Good1 + badRow + "\n" + Good2);
            var (events, rejects, info) = file.Read(parallelism);

            var reject = Assert.Single(rejects);
            Assert.Equal(new Rejection(file.Path, 3, column, reason, badRow), reject);
            Assert.Equal([10UL, 30UL], events.Select(e => e.TimeNs));
            Assert.Equal((3L, 2L, 1L), (info.RowsRead, info.EventsEmitted, info.RowsRejected));
        }
    }

    [Fact]
    public void Strict_stops_at_the_first_rejection_with_its_message()
    {
        using var file = new TraceFile(Header + Good1 + Good1.Replace("10,", "20,") + "30,0,100,100,wrte,0x10000,4096,\n"
            + "40,0,100,100,write,0xZZ,4096,\n");
        var error = Assert.Throws<TraceRejectedException>(() => file.Read(strict: true));

        // Line 4: header is line 1, the two mmaps lines 2 and 3.
        Assert.Equal($"{file.Path}:4: column 'op': unknown op 'wrte'", error.Message);
        Assert.Equal("30,0,100,100,wrte,0x10000,4096,", error.Rejection.RawText);
    }

    [Fact]
    public void Rejected_rows_still_count_for_the_default_write_value()
    {
        // Data rows 1 (mmap), 2 (rejected), 3 (write without value=): the write's value is 3, not 2, so a row fixed
        // later does not shift the values of the rows after it.
        using var file = new TraceFile(Header + Good1 + "20,0,100,100,wrte,0x10000,4096,\n" + "30,0,100,100,write,0x10000,,\n");
        var (events, _, _) = file.Read();

        Assert.Equal(3UL, events[1].Value);
    }

    [Fact]
    public void Time_check_compares_with_the_last_accepted_row()
    {
        // Row 2 (time 50) is rejected for its op, so row 3 (time 20) is compared with row 1 (10) and accepted;
        // row 4 (15) then goes backwards against row 3 (20). One thread quotes the row it is on; two threads read a
        // plain file's row back by its offset, and a gzip's from what the scanning thread captured.
        const string Rows = Header + Good1 + "50,0,100,100,wrte,0x10000,4096,\n" + "20,0,100,100,read,0x10000,,\n" + "15,0,100,100,read,0x10000,,\n";
        foreach (var (parallelism, name) in new[] { (1, "t.csv"), (2, "t.csv"), (2, "t.csv.gz") })
        {
            using var file = new TraceFile(Rows, name, gzip: name.EndsWith(".gz", StringComparison.Ordinal));
            var (events, rejects, info) = file.Read(parallelism);

            Assert.Equal([10UL, 20UL], events.Select(e => e.TimeNs));
            Assert.Equal(["unknown op 'wrte'", "time goes backwards (15 after 20)"], rejects.Select(r => r.Reason));
            Assert.Equal("15,0,100,100,read,0x10000,,", rejects[1].RawText);
            Assert.Equal((4L, 2L, 2L), (info.RowsRead, info.EventsEmitted, info.RowsRejected));
        }
    }

    [Fact]
    public void Unknown_column_fails_the_whole_file()
    {
        using var file = new TraceFile("# mmreplay-trace v1\ntime_ns,cpu,pid,op,colour\n1,0,1,exit,red\n");
        var error = Assert.Throws<TraceFormatException>(() => file.Read());

        Assert.Equal($"{file.Path}:2: column 'colour': unknown column (known: time_ns,cpu,pid,tid,op,addr,len,args)", error.Message);
    }

    [Fact]
    public void Missing_required_column_fails_the_whole_file()
    {
        using var file = new TraceFile("time_ns,pid,op\n1,1,exit\n");
        var error = Assert.Throws<TraceFormatException>(() => file.Read());

        Assert.Equal($"{file.Path}:1: column 'cpu': missing required column", error.Message);
    }

    [Fact]
    public void File_that_ends_mid_row_is_reported_as_such()
    {
        // The last row has no line break and lost its last fields: a cut file, not a short row.
        using var file = new TraceFile(Header + Good1 + "20,0,100,100,write,0x1");
        var (events, rejects, info) = file.Read();

        var reject = Assert.Single(rejects);
        Assert.Equal((3L, "len", "file ends mid-row: missing field (row has 6 fields, header has 8)"), (reject.Line, reject.Column, reject.Reason));
        Assert.Single(events);
        Assert.Equal((2L, 1L, 1L), (info.RowsRead, info.EventsEmitted, info.RowsRejected));
    }

    [Fact]
    public void File_cut_inside_a_quoted_field_is_reported_as_ending_mid_row()
    {
        using var file = new TraceFile(Header + Good1 + "20,0,100,100,write,0x10000,4096,\"value=1");
        var (events, rejects, info) = file.Read(2);

        var reject = Assert.Single(rejects);
        Assert.Equal((3L, "file ends mid-row: a quoted field is never closed"), (reject.Line, reject.Reason));
        Assert.Single(events);
        Assert.Equal((2L, 1L, 1L), (info.RowsRead, info.EventsEmitted, info.RowsRejected));
    }

    [Fact]
    public void Complete_last_row_without_a_line_break_is_accepted()
    {
        using var file = new TraceFile(Header + Good1 + Good2.TrimEnd('\n'));
        var (events, rejects, _) = file.Read();

        Assert.Empty(rejects);
        Assert.Equal(2, events.Count);
    }

    [Fact]
    public void Gzip_trace_reads_like_the_plain_one()
    {
        using var plain = new TraceFile(Header + Good1 + Good2);
        using var gzip = new TraceFile(Header + Good1 + Good2, "t.csv.gz", gzip: true);
        var (events, _, info) = gzip.Read();

        Assert.True(info.Gzip);
        Assert.Equal(plain.Read().Events, events);
    }

    [Fact]
    public void Truncated_gzip_is_reported_as_such()
    {
        var rows = string.Concat(Enumerable.Range(0, 20000).Select(i => $"{i},0,100,100,read,0x10000,4096,\n"));
        using var file = new TraceFile(Header + rows, "t.csv.gz", gzip: true);
        var bytes = File.ReadAllBytes(file.Path);
        File.WriteAllBytes(file.Path, bytes[..(bytes.Length * 2 / 3)]);

        var error = Assert.Throws<TraceFormatException>(() => file.Read());
        Assert.StartsWith($"{file.Path}: truncated gzip: the compressed stream ends early", error.Message);
    }

    [Fact]
    public async Task Rejects_csv_keeps_the_original_text_quoted()
    {
        using var file = new TraceFile(Header + Good1 + "20,0,100,100,wrte,0x10000,4096,\"value=1,2\"\n");
        var path = Path.Combine(file.Directory, "rejects.csv");
        using (var sink = new RejectsCsvWriter(path))
        {
            using var reader = TraceReaders.Open(file.Path, TraceReaderOptions.Default, sink);
            await TraceReaders.ReadAllAsync(reader);
            Assert.False(File.Exists(path)); // written under a temporary name until complete
            sink.Complete();
        }

        Assert.Equal(
            "file,line,column,reason,raw\n"
            + $"{file.Path},3,op,unknown op 'wrte',\"20,0,100,100,wrte,0x10000,4096,\"\"value=1,2\"\"\"\n",
            File.ReadAllText(path));
    }
}
