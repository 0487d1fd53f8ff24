using System.Globalization;
using MmReplay.Ingest;
using MmReplay.Ingest.ArrowTrace;
using MmReplay.Ingest.Csv;

namespace MmReplay.Ingest.Tests;

public sealed class RoundTripTests
{
    /// <summary>Seeds to run; MMREPLAY_TEST_SEED=N replays one.</summary>
    public static TheoryData<int> Seeds()
    {
        var one = Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED");
        return one is null ? new TheoryData<int>(1, 2, 3) : new TheoryData<int>(int.Parse(one, CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Written_events_read_back_identical_on_one_and_two_threads(int seed)
    {
        // 8 000 events of every op (about 2 400 that are not reads or writes), across several batches of 1000.
        const int Count = 8_000;
        var synthetic = new SyntheticTrace(seed);
        var expected = new List<TraceEvent>(Count);
        using var file = new TraceFile("");
        using (var stream = File.Create(file.Path))
        using (var writer = new CsvTraceWriter(stream, 4096, id => synthetic.Devices[id]))
        {
            for (var i = 0; i < Count; i++)
            {
                var ev = synthetic.Next();
                expected.Add(ev);
                writer.Write(in ev);
            }
        }

        foreach (var parallelism in new[] { 1, 2 })
        {
            var (events, rejects, info) = file.Read(parallelism, batchSize: 1000);
            Assert.True(rejects.Count == 0, rejects.Count == 0 ? "" : $"seed {seed}, {parallelism} thread(s): {rejects[0]} in {rejects[0].RawText}");
            Assert.Equal(Count, events.Count);
            for (var i = 0; i < Count; i++)
            {
                Assert.True(expected[i].Equals(events[i]), $"seed {seed}, {parallelism} thread(s), event {i} (line {expected[i].Line}, {expected[i].Op}) differs");
            }

            Assert.Equal(synthetic.Devices, info.DeviceNames);
            Assert.Equal(Enumerable.Range(0, (int)OpCode.Notifier + 1).Skip(1), events.Select(e => (int)e.Op).Distinct().Order());
        }
    }

    [Fact]
    public async Task Csv_and_arrow_traces_give_identical_event_streams()
    {
        // CSV -> Arrow -> CSV: all three read back as the same events (every op, devices, lines kept as provenance).
        const int Count = 5_000;
        using var file = new TraceFile("");
        var synthetic = WriteSynthetic(file, seed: 7, Count);

        var arrow = Path.Combine(file.Directory, "t.arrow");
        var back = Path.Combine(file.Directory, "back.csv.gz");
        await TraceConverter.ConvertAsync(file.Path, arrow, TraceReaderOptions.Default, null, CancellationToken.None);
        await TraceConverter.ConvertAsync(arrow, back, TraceReaderOptions.Default, null, CancellationToken.None);

        var fromCsv = file.Read().Events;
        using var arrowReader = TraceReaders.Open(arrow, TraceReaderOptions.Default with { BatchSize = 777 }, null);
        var fromArrow = await TraceReaders.ReadAllAsync(arrowReader);
        using var backReader = TraceReaders.Open(back, TraceReaderOptions.Default, null);
        var fromBack = await TraceReaders.ReadAllAsync(backReader);

        Assert.Equal(TraceFormat.Arrow, arrowReader.Info.Format);
        Assert.Equal(Count, fromArrow.Count);
        Assert.True(fromCsv.SequenceEqual(fromArrow), "CSV and Arrow event streams differ");
        Assert.Equal(synthetic.Devices, arrowReader.Info.DeviceNames);
        Assert.True(backReader.Info.Gzip);
        Assert.True(fromCsv.SequenceEqual(fromBack), "CSV and CSV-from-Arrow event streams differ");
    }

    [Theory]
    [InlineData(1000)] // 5 record batches, the last one short: read two at a time, alternately by two readers
    [InlineData(2500)] // 2 record batches, both full
    public async Task Arrow_trace_of_many_record_batches_reads_back_in_order(int batchRows)
    {
        // 4 600 events of every op: the Arrow trace holds them in ceil(4600 / batchRows) record batches, read back
        // (in output batches of 777, which straddle record batches) as exactly the events written, in order.
        const int Count = 4_600;
        using var file = new TraceFile("");
        WriteSynthetic(file, seed: 11, Count);

        var (expected, _, info) = file.Read();
        var arrow = Path.Combine(file.Directory, "batches.arrow");
        using (var writer = new ArrowTraceWriter(arrow, 4096, id => info.DeviceNames[id], new Arrow.ArrowWriterOptions { BatchRows = batchRows }))
        {
            foreach (var ev in expected)
            {
                writer.Write(in ev);
            }

            writer.Complete();
        }

        using var reader = TraceReaders.Open(arrow, TraceReaderOptions.Default with { BatchSize = 777 }, null);
        var events = await TraceReaders.ReadAllAsync(reader);

        Assert.Equal(Count, events.Count);
        for (var i = 0; i < Count; i++)
        {
            Assert.True(expected[i].Equals(events[i]), $"{batchRows} rows per record batch: event {i} (line {expected[i].Line}, {expected[i].Op}) differs");
        }

        Assert.Equal(info.DeviceNames, reader.Info.DeviceNames);
    }

    /// <summary>Writes <paramref name="count"/> events of the seeded synthetic stream as the CSV trace <paramref name="file"/>.</summary>
    private static SyntheticTrace WriteSynthetic(TraceFile file, int seed, int count)
    {
        var synthetic = new SyntheticTrace(seed);
        using var stream = File.Create(file.Path);
        using var writer = new CsvTraceWriter(stream, 4096, id => synthetic.Devices[id]);
        for (var i = 0; i < count; i++)
        {
            var ev = synthetic.Next();
            writer.Write(in ev);
        }

        return synthetic;
    }
}
