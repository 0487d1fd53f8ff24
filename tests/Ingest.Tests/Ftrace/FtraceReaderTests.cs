using System.Globalization;
using System.Text;
using System.Threading.Channels;
using MmReplay.Ingest.Ftrace;

namespace MmReplay.Ingest.Tests.Ftrace;

/// <summary>The streaming entry point and robustness of the whole reader against damaged input.</summary>
public sealed class FtraceReaderTests
{
    [Fact]
    public async Task ReadAsync_streams_the_same_events_as_ParseAll_in_small_batches()
    {
        var path = SharedTraces.PathOf("fork-cow-tracecmd", "trace-cmd-report.txt");
        var (expected, _, _) = SharedTraces.Parse("fork-cow-tracecmd", "trace-cmd-report.txt");
        await using var stream = File.OpenRead(path);
        // Batches of 16 force many channel hand-offs (the 392 events of this file fill 27 batches).
        var reader = new FtraceReader(stream, path, new FtraceReaderOptions { BatchCapacity = 16 });
        var channel = Channel.CreateBounded<EventBatch>(4);
        var produce = Task.Run(async () =>
        {
            await reader.ReadAsync(channel.Writer, CancellationToken.None);
            channel.Writer.Complete();
        });
        var received = new List<TraceEvent>();
        var batches = 0;
        await foreach (var batch in channel.Reader.ReadAllAsync())
        {
            batches++;
            Assert.InRange(batch.Count, 1, 16);
            received.AddRange(batch.Events);
            batch.Release();
        }

        await produce;
        Assert.Equal(expected, received);
        Assert.True(batches >= expected.Count / 16, $"{batches} batches");
        Assert.Equal(30, reader.Markers.Count);
        Assert.Equal(0, reader.Stats.MalformedLines);
    }

    [Fact]
    public void Damaged_real_lines_are_reported_never_thrown_and_always_accounted()
    {
        // Seeded: MMREPLAY_TEST_SEED=<n> replays one run. Each real line is kept, cut at a random byte, or has
        // random bytes overwritten; the reader must not throw and every line must land in exactly one bucket.
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED"), CultureInfo.InvariantCulture, out var s)
            ? s : 7;
        var random = new Random(seed);
        foreach (var (recording, file) in new[] { ("anon-seq-rand", "trace.txt"), ("fork-cow-tracecmd", "trace-cmd-report.txt") })
        {
            var damaged = new StringBuilder();
            var cut = 0;
            foreach (var line in File.ReadLines(SharedTraces.PathOf(recording, file)))
            {
                var roll = random.Next(10);
                if (roll == 0 && line.Length > 1)
                {
                    damaged.Append(line.AsSpan(0, random.Next(1, line.Length)));
                    cut++;
                }
                else if (roll == 1 && line.Length > 0)
                {
                    var chars = line.ToCharArray();
                    for (var i = 0; i < 3; i++)
                    {
                        chars[random.Next(chars.Length)] = (char)random.Next(32, 127);
                    }

                    damaged.Append(chars);
                }
                else
                {
                    damaged.Append(line);
                }

                damaged.Append('\n');
            }

            var (_, stats, _) = SharedTraces.ParseText(damaged.ToString());
            var where = $"{recording}/{file} seed {seed}";
            Assert.True(stats.LinesRead == stats.HeaderLines + stats.EventLines + stats.MalformedLines + stats.LostEventLines, where);
            // Cutting a line almost always loses a required field; some cuts only shorten a marker or an ignored
            // event, so at least half of the cut lines (and never more than all damaged ones) are malformed.
            Assert.True(stats.MalformedLines >= cut / 2, $"{where}: {stats.MalformedLines} malformed of {cut} cut");
            Assert.All(stats.Malformed, m => Assert.InRange(m.Line, 1, stats.LinesRead));
        }
    }

    [Theory]
    [InlineData(1, 1 << 20)]
    [InlineData(2, 64)]
    [InlineData(3, 200)]
    [InlineData(4, 4096)]
    public void Parallel_parsing_in_blocks_keeps_every_event_line_number_and_count(int parallelism, int chunkBytes)
    {
        // Blocks of 64 bytes are shorter than most lines (each such line grows a block of its own); 200 and 4096 cut
        // lines at every possible place. The mapped result must be the sequential one, line for line.
        foreach (var (recording, file) in new[] { ("anon-seq-rand", "trace.txt"), ("fork-cow-tracecmd", "trace-cmd-report.txt") })
        {
            // Plus lines only counted (unknown events, a print that is no marker) and an ignored one with a tgid column.
            var text = File.ReadAllText(SharedTraces.PathOf(recording, file))
                + " wl-1 [000] .....   9.0: sched_switch: prev_comm=a prev_pid=1 ==> next_comm=b next_pid=2\n"
                + "   wl-1 [000]   9.1: print:                trace_printk_site: hello\n"
                + "   wl-1 [000]   9.2: sched_switch:         prev_comm=a prev_pid=1 ==> next_comm=b next_pid=2\n"
                + "   wl-5  (    4) [000] .....   9.3: mmap_lock_released: mm=00000000edc2bae9 memcg_path=/ write=false\n"
                + "cut last line without newline";
            var (expected, expectedStats, expectedMarkers) = SharedTraces.ParseText(text);
            var options = new FtraceReaderOptions { Parallelism = parallelism, ChunkBytes = chunkBytes, BatchCapacity = 100, KeepSyscallWindows = true };
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            var reader = new FtraceReader(stream, "inline.txt", options);
            var events = new List<TraceEvent>();
            bool more;
            do
            {
                var batch = new EventBatch(100);
                more = reader.FillBatch(batch);
                events.AddRange(batch.Events);
                batch.Release();
            }
            while (more);

            Assert.Equal(expected, events);
            Assert.Equal(expectedStats.LinesRead, reader.Stats.LinesRead);
            Assert.Equal(1, reader.Stats.MalformedLines);
            Assert.Equal(expectedStats.LinesRead, reader.Stats.Malformed[0].Line);
            // The reason travels apart from the parsed line (a per-block list): still the parser's own words.
            Assert.Equal("no COMM-PID [CPU] prefix", reader.Stats.Malformed[0].Reason);
            Assert.Equal(expectedStats.IgnoredLines, reader.Stats.IgnoredLines);
            Assert.Equal(expectedMarkers, reader.Markers);
            Assert.Equal(Encoding.UTF8.GetByteCount(text), reader.BytesRead);
            // Workers count the lines that only add to a count (mmap_lock, ipi, unknown): every count, by name and by
            // reason, the flavour and the first and last timestamps are still those of the sequential read.
            Assert.Equal(expectedStats.Summary(), reader.Stats.Summary());
            Assert.Equal(expectedStats.FirstTimeNs, reader.Stats.FirstTimeNs);
            Assert.Equal(expectedStats.LastTimeNs, reader.Stats.LastTimeNs);
            Assert.Equal(expectedStats.EventLines, reader.Stats.EventLines);
            Assert.True(reader.Stats.IgnoredEvents > 0 && reader.Stats.Flavor != FtraceFlavor.Unknown, recording);
        }
    }

    [Fact]
    public void A_read_error_on_a_worker_reaches_the_caller_after_the_lines_before_it()
    {
        // 64-byte blocks over a stream that fails after 4096 bytes: workers read in turns, the failing read's block is
        // the one after the last good byte, so the lines wholly inside the good bytes are mapped before the error.
        var text = File.ReadAllText(SharedTraces.PathOf("anon-seq-rand", "trace.txt"));
        var bytes = Encoding.UTF8.GetBytes(text);
        var goodLines = bytes.AsSpan(0, 4096).Count((byte)'\n');
        var reader = new FtraceReader(new FailingStream(bytes, 4096), "t.txt", new FtraceReaderOptions { Parallelism = 2, ChunkBytes = 64 });

        var error = Assert.Throws<IOException>(() =>
        {
            bool more;
            do
            {
                var batch = new EventBatch(16);
                more = reader.FillBatch(batch);
                batch.Release();
            }
            while (more);
        });

        Assert.Equal("disk gone", error.Message);
        // A block whose filling read fails is lost with its line: lines here are longer than a block, so one at most.
        Assert.InRange(reader.Stats.LinesRead, goodLines - 1, goodLines);
    }

    /// <summary>Serves <c>failAt</c> bytes of <c>data</c>, then throws.</summary>
    private sealed class FailingStream(byte[] data, int failAt) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (Position >= failAt)
            {
                throw new IOException("disk gone");
            }

            return base.Read(buffer, offset, (int)Math.Min(count, failAt - Position));
        }
    }
}
