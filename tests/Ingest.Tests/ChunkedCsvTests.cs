using System.Text;
using MmReplay.Ingest.Csv;
using MmReplay.Ingest.Tests.Workloads;

namespace MmReplay.Ingest.Tests;

/// <summary>A plain CSV file read in chunks on several threads reads exactly as the one-thread stream read does.</summary>
public sealed class ChunkedCsvTests
{
    [Theory]
    [InlineData(2, 16)]
    [InlineData(2, 24)]
    [InlineData(3, 40)]
    [InlineData(2, 1 << 20)] // one chunk: read as a stream
    public void Seams_carry_lines_rows_time_and_reject_order(int threads, int chunkBytes)
    {
        // With 16..40-byte chunks every seam falls within a few lines, so line 4 (below line 3's time) is found out
        // at a seam or inside a chunk depending on the size; either way:
        //   line 2: time 100, event; line 3: write, value = data row 2; line 4: 50 < 200, rejected;
        //   line 5: unknown op; line 6: 250 > 200, event (line 4 never raised the last time);
        //   line 7 is a comment, line 8 blank; line 9: 240 < 250, rejected; line 10: write, data row 7.
        using var file = new TraceFile(
            "time_ns,cpu,pid,op,addr,args\n"
            + "100,0,1,read,0x1000,\n"
            + "200,0,1,write,0x1000,\n"
            + "50,0,1,read,0x2000,\n"
            + "300,0,1,bogus,0x1000,\n"
            + "250,0,1,read,0x1000,\n"
            + "# note\n"
            + "\n"
            + "240,0,1,read,0x1000,\n"
            + "400,0,1,write,0x3000,\n");
        var (events, rejects, info) = Read(file.Path, threads, chunkBytes);

        Assert.Equal([2L, 3L, 6L, 10L], events.Select(e => e.Line));
        Assert.Equal([100UL, 200UL, 250UL, 400UL], events.Select(e => e.TimeNs));
        Assert.Equal((2UL, 7UL), (events[1].Value, events[3].Value));
        Assert.Equal(
            [
                "t.csv:4: column 'time_ns': time goes backwards (50 after 200) | 50,0,1,read,0x2000,",
                "t.csv:5: column 'op': unknown op 'bogus' | 300,0,1,bogus,0x1000,",
                "t.csv:9: column 'time_ns': time goes backwards (240 after 250) | 240,0,1,read,0x1000,",
            ],
            rejects.Select(r => $"{Path.GetFileName(r.File)}:{r.Line}: column '{r.Column}': {r.Reason} | {r.RawText}"));
        Assert.Equal((7L, 4L, 3L), (info.RowsRead, info.EventsEmitted, info.RowsRejected));
    }

    [Fact]
    public void Strict_stops_at_the_first_reject_in_file_order()
    {
        // 16-byte segments put every line in a chunk of its own (header 29 bytes, rows 19): the first reject in file
        // order is line 3 (its time 5 is below line 2's 9), found only at the seam, before line 4's unknown op.
        using var file = new TraceFile("time_ns,cpu,pid,op,addr,args\n" + "9,0,1,read,0x1000,\n" + "5,0,1,read,0x1000,\n" + "7,0,1,bogus,,\n");
        using var reader = TraceReaders.Open(file.Path, new TraceReaderOptions { Parallelism = 2, CsvChunkBytes = 16, Strict = true }, null);
        var error = Assert.Throws<TraceRejectedException>(() => TraceReaders.ReadAllAsync(reader).GetAwaiter().GetResult());
        Assert.Equal((3L, "time_ns", "time goes backwards (5 after 9)"), (error.Rejection.Line, error.Rejection.Column, error.Rejection.Reason));
    }

    [Fact]
    public void Chunks_start_at_the_first_line_start_of_their_segment()
    {
        var text = "a,b\n1,2\n333,4\n5,6\n77,8\n";
        using var file = new TraceFile(text);
        using var handle = File.OpenHandle(file.Path);

        // 23 bytes, line breaks at 3, 7, 13, 17, 22, so lines start at 0, 4, 8, 14, 18 (and the end, 23). Segments of 6
        // bytes start at 0, 6, 12, 18: the first line starts at or after them are 0, 8, 14, 18 (18 starts a line).
        Assert.Equal(4, CsvChunkPlanner.Count(text.Length, chunkBytes: 6));
        var chunks = Enumerable.Range(0, 4).Select(k => CsvChunkPlanner.Chunk(handle, text.Length, 6, k)).ToList();
        Assert.Equal([0L, 8L, 14L, 18L], chunks.Select(c => c.Start));
        Assert.Equal([8L, 14L, 18L, 23L], chunks.Select(c => c.End));

        // A line longer than a segment leaves the segment's chunk empty: "1,2,3,4,5,6,7\n" covers bytes 4..17.
        using var longLine = new TraceFile("a,b\n1,2,3,4,5,6,7\n8,9\n");
        using var longHandle = File.OpenHandle(longLine.Path);
        Assert.Equal([new CsvChunk(0, 18), new CsvChunk(18, 18), new CsvChunk(18, 22)], Enumerable.Range(0, 3).Select(k => CsvChunkPlanner.Chunk(longHandle, 22, 8, k)));
    }

    public static TheoryData<int, bool> SeedsAndTimeColumn()
    {
        var data = new TheoryData<int, bool>();
        foreach (var seed in Generated.Seeds())
        {
            data.Add(seed, true);
            data.Add(seed, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SeedsAndTimeColumn))]
    public void Random_file_with_errors_reads_the_same_in_chunks(int seed, bool withTime)
    {
        using var file = new TraceFile(RandomTrace(new Random(seed), withTime, rows: 600));
        var (events, rejects, info) = Read(file.Path, threads: 1, chunkBytes: 64);
        Assert.NotEmpty(rejects); // the generator's errors are there to be carried across seams

        foreach (var (threads, chunkBytes) in new[] { (2, 64), (2, 301), (3, 1000), (2, 4096) })
        {
            var what = $"seed {seed} (MMREPLAY_TEST_SEED={seed}), time column {withTime}, {threads} threads, chunks of {chunkBytes} bytes";
            Assert.True(CsvChunkPlanner.Count(new FileInfo(file.Path).Length, chunkBytes) > 1, what);
            var (chunkedEvents, chunkedRejects, chunkedInfo) = Read(file.Path, threads, chunkBytes);
            Assert.True(events.SequenceEqual(chunkedEvents), "events differ: " + what);
            Assert.True(rejects.SequenceEqual(chunkedRejects), "rejects differ: " + what + "\n" + Diff(rejects, chunkedRejects));
            Assert.True(info.DeviceNames.SequenceEqual(chunkedInfo.DeviceNames), "devices differ: " + what);
            Assert.Equal((info.RowsRead, info.EventsEmitted, info.RowsRejected), (chunkedInfo.RowsRead, chunkedInfo.EventsEmitted, chunkedInfo.RowsRejected));
            Assert.Equal(chunkedInfo.RowsRead, chunkedInfo.EventsEmitted + chunkedInfo.RowsRejected);
        }
    }

    [Theory]
    [MemberData(nameof(SeedsAndTimeColumn))]
    public void Clean_random_file_reads_the_same_in_chunks(int seed, bool withTime)
    {
        // No rejects and time never going back: the stitcher hands batches on without walking them, renumbering only
        // devices (each chunk names them in its own order) and the values of writes without one (data row numbers).
        using var file = new TraceFile(RandomTrace(new Random(seed), withTime, rows: 600, clean: true));
        var (events, rejects, info) = Read(file.Path, threads: 1, chunkBytes: 64);
        Assert.Empty(rejects);
        Assert.Contains(events, e => e.Op == OpCode.Write && !e.HasValue);
        Assert.Equal(4, info.DeviceNames.Count);
        foreach (var (threads, chunkBytes) in new[] { (2, 64), (2, 301), (3, 1000) })
        {
            var what = $"seed {seed} (MMREPLAY_TEST_SEED={seed}), time column {withTime}, {threads} threads, chunks of {chunkBytes} bytes";
            var (chunkedEvents, chunkedRejects, chunkedInfo) = Read(file.Path, threads, chunkBytes);
            Assert.Empty(chunkedRejects);
            Assert.True(events.SequenceEqual(chunkedEvents), "events differ: " + what);
            Assert.True(info.DeviceNames.SequenceEqual(chunkedInfo.DeviceNames), "devices differ: " + what);
        }
    }

    [Theory]
    [MemberData(nameof(SeedsAndTimeColumn))]
    public void A_quote_or_carriage_return_reads_the_rest_as_a_stream(int seed, bool withTime)
    {
        // A quoted field may hold a line break, and CsvHelper counts a bare carriage return as one: from the chunk that
        // holds either, the file is read as one stream, carrying on numbering, time, devices and rejects; before it in
        // chunks. Placed early (the first chunk: no chunks at all), in the middle and near the end.
        var random = new Random(seed);
        var lines = RandomTrace(random, withTime, rows: 600).Split('\n');
        var time = withTime ? "999999," : "";
        foreach (var (at, row) in new[] { (1, $"{time}0,1,dev_attach,,\"dev=a\nb kind=ats\""), (300, $"{time}0,1,\"read\",0x1000,"), (590, $"{time}0,1,read,0x1000,\r{time}0,1,read,0x2000,") })
        {
            var text = string.Join('\n', lines[..at]) + "\n" + row + "\n" + string.Join('\n', lines[at..]);
            using var file = new TraceFile(text);
            var (events, rejects, info) = Read(file.Path, threads: 1, chunkBytes: 64);
            foreach (var (threads, chunkBytes) in new[] { (2, 64), (3, 500) })
            {
                var what = $"seed {seed} (MMREPLAY_TEST_SEED={seed}), time column {withTime}, row inserted at line {at + 1}, {threads} threads, chunks of {chunkBytes} bytes";
                var (chunkedEvents, chunkedRejects, chunkedInfo) = Read(file.Path, threads, chunkBytes);
                Assert.True(events.SequenceEqual(chunkedEvents), "events differ: " + what);
                Assert.True(rejects.SequenceEqual(chunkedRejects), "rejects differ: " + what + "\n" + Diff(rejects, chunkedRejects));
                Assert.True(info.DeviceNames.SequenceEqual(chunkedInfo.DeviceNames), "devices differ: " + what);
                Assert.Equal((info.RowsRead, info.EventsEmitted, info.RowsRejected), (chunkedInfo.RowsRead, chunkedInfo.EventsEmitted, chunkedInfo.RowsRejected));
            }
        }
    }

    private static string Diff(List<Rejection> expected, List<Rejection> actual)
    {
        for (var i = 0; i < Math.Min(expected.Count, actual.Count); i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                return $"first difference at {i}: expected {expected[i]} | {expected[i].RawText}, got {actual[i]} | {actual[i].RawText}";
            }
        }

        return $"counts {expected.Count} and {actual.Count}";
    }

    private static (List<TraceEvent> Events, List<Rejection> Rejects, TraceInfo Info) Read(string path, int threads, int chunkBytes)
    {
        var sink = new ListRejectSink();
        using var reader = TraceReaders.Open(path, new TraceReaderOptions { Parallelism = threads, CsvChunkBytes = chunkBytes, BatchSize = 16 }, sink);
        var events = TraceReaders.ReadAllAsync(reader).GetAwaiter().GetResult();
        return (events, sink.Rejections, reader.Info);
    }

    /// <summary>Valid rows mixed with bad ones, rows going back in time, devices, comments and blank lines.</summary>
    private static string RandomTrace(Random random, bool withTime, int rows, bool clean = false)
    {
        var text = new StringBuilder(withTime ? "time_ns,cpu,pid,op,addr,args\n" : "cpu,pid,op,addr,args\n");
        ulong time = 1000;
        string[] devices = ["gpu", "nic", "kvm0", "ssd"];
        for (var i = 0; i < rows; i++)
        {
            time = random.Next(8) == 0 && !clean ? time - (ulong)random.Next(1, 200) : time + (ulong)random.Next(0, 50);
            var dev = devices[random.Next(devices.Length)];
            var body = (clean ? random.Next(3, 14) : random.Next(14)) switch
            {
                0 => "0,1,bogus,0x1000,",
                1 => "0,1,read,0xZZ,",
                2 => "0,1,read",
                3 => $"0,1,dev_attach,,dev={dev} kind=ats",
                4 => $"0,1,dev_write,0x2000,dev={dev}",
                5 => "0,1,write,0x3000,value=7",
                6 => "0,1,write,0x3000,",
                _ => $"{random.Next(4)},{random.Next(1, 5)},read,0x{random.Next(1, 64) * 4096:x},",
            };
            text.Append(withTime ? $"{time},{body}\n" : body + "\n");
            if (random.Next(30) == 0)
            {
                text.Append(random.Next(2) == 0 ? "# a comment\n" : "\n");
            }
        }

        if (random.Next(2) == 0 && !clean)
        {
            text.Append(withTime ? $"{time + 1},0,1,read" : "0,1,read"); // ends mid-row, without a line break
        }

        return text.ToString();
    }
}
