using System.IO.Compression;
using System.Threading.Channels;
using MmReplay.Arrow;
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
        ArgumentNullException.ThrowIfNull(options);
        using var reader = TraceReaders.Open(input, options, rejects);
        await WriteAsync(reader, output, options.ChannelCapacity, cancel).ConfigureAwait(false);
        return reader.Info;
    }

    /// <summary>
    /// Streams every event of <paramref name="reader"/> to <paramref name="output"/>: .arrow (Arrow trace), .csv,
    /// .csv.gz, or "-" (CSV on standard output). A file is written under a temporary name and renamed when complete.
    /// </summary>
    public static async Task WriteAsync(ITraceReader reader, string output, int channelCapacity, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        var info = reader.Info;
        var channel = Channel.CreateBounded<EventBatch>(new BoundedChannelOptions(channelCapacity) { SingleReader = true, SingleWriter = true });
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
            else if (output == "-")
            {
                await using var stdout = Console.OpenStandardOutput();
                await WriteCsvAsync(stdout, gzip: false).ConfigureAwait(false);
            }
            else
            {
                using var file = AtomicFile.Create(output);
                await WriteCsvAsync(file.Stream, output.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)).ConfigureAwait(false);
                file.Commit();
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

        async Task WriteCsvAsync(Stream target, bool gzip)
        {
            await using (Stream stream = gzip ? new GZipStream(target, CompressionLevel.Fastest, leaveOpen: true) : new NonClosing(target))
            using (var writer = new CsvTraceWriter(stream, info.PageSize, id => info.DeviceNames[id]))
            {
                await Drain(channel.Reader, (in TraceEvent ev) => writer.Write(in ev), cancel).ConfigureAwait(false);
                await reading.ConfigureAwait(false);
            }
        }
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

    /// <summary>Keeps the CSV writer from closing a stream it does not own (the atomic file, standard output).</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        protected override void Dispose(bool disposing)
        {
            inner.Flush();
            base.Dispose(disposing);
        }
    }
}
