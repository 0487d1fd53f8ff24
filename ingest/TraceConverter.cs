using System.IO.Compression;
using System.Threading.Channels;
using MmReplay.Ingest.ArrowTrace;
using MmReplay.Ingest.Csv;

namespace MmReplay.Ingest;

/// <summary>
/// `mmreplay convert IN OUT`: any readable trace to an Arrow trace (OUT ends in .arrow) or a CSV trace (.csv, or
/// .csv.gz compressed). The output is written under a temporary name and renamed when complete.
/// </summary>
public static class TraceConverter
{
    public static async Task<TraceInfo> ConvertAsync(string input, string output, TraceReaderOptions options, IRejectSink? rejects, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var reader = TraceReaders.Open(input, options, rejects);
        var info = reader.Info;
        var channel = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(options.ChannelCapacity) { SingleReader = true, SingleWriter = true });
        var reading = reader.ReadAsync(channel.Writer, cancel);
        try
        {
            if (output.EndsWith(".arrow", StringComparison.OrdinalIgnoreCase))
            {
                using var writer = new ArrowTraceWriter(output, info.PageSize, id => info.DeviceNames[id]);
                await Drain(channel.Reader, (in TraceEvent ev) => writer.Write(in ev), cancel).ConfigureAwait(false);
                await reading.ConfigureAwait(false);
                writer.Complete();
            }
            else
            {
                var temp = output + ".tmp";
                try
                {
                    await using (var file = File.Create(temp))
                    await using (Stream stream = output.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file)
                    using (var writer = new CsvTraceWriter(stream, info.PageSize, id => info.DeviceNames[id]))
                    {
                        await Drain(channel.Reader, (in TraceEvent ev) => writer.Write(in ev), cancel).ConfigureAwait(false);
                        await reading.ConfigureAwait(false);
                    }

                    File.Move(temp, output, overwrite: true);
                }
                finally
                {
                    File.Delete(temp);
                }
            }
        }
        catch
        {
            channel.Writer.TryComplete();
            try
            {
                await reading.ConfigureAwait(false);
            }
            catch (Exception) when (!cancel.IsCancellationRequested)
            {
                // Already reported: the drain rethrew the reader's failure, or failed first itself.
            }

            throw;
        }

        return info;
    }

    private delegate void EventAction(in TraceEvent ev);

    private static async Task Drain(ChannelReader<EventBatch> batches, EventAction write, CancellationToken cancel)
    {
        await foreach (var batch in batches.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            try
            {
                foreach (ref readonly var ev in batch.Events)
                {
                    write(in ev);
                }
            }
            finally
            {
                batch.Release();
            }
        }
    }
}
