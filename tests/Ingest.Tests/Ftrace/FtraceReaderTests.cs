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
            var text = File.ReadAllText(SharedTraces.PathOf(recording, file)) + "cut last line without newline";
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
            Assert.Equal(expectedStats.IgnoredLines, reader.Stats.IgnoredLines);
            Assert.Equal(expectedMarkers, reader.Markers);
            Assert.Equal(Encoding.UTF8.GetByteCount(text), reader.BytesRead);
        }
    }
}
