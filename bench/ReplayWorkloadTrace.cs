using System.Threading.Channels;
using MmReplay.Ingest;

namespace MmReplay.Bench;

/// <summary>The replay bench's workload (<see cref="ReplayWorkload"/>) as a trace, to write it to a file.</summary>
public sealed class ReplayWorkloadTrace(ReplayWorkload workload, string name) : ITraceReader
{
    public TraceInfo Info { get; } = new(name, TraceFormat.Generated, gzip: false, 4096, length: null);

    public async Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        var buffer = new TraceEvent[EventBatch.DefaultCapacity];
        try
        {
            int filled;
            while ((filled = workload.Fill(buffer)) > 0)
            {
                var batch = new EventBatch();
                buffer.AsSpan(0, filled).CopyTo(batch.Append(filled));
                await output.WriteAsync(batch, cancel);
            }

            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
            throw;
        }
    }

    public void Dispose()
    {
    }
}
