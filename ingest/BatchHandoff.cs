using System.Threading.Channels;

namespace MmReplay.Ingest;

/// <summary>Readers run on their own thread and hand full batches to the bounded channel, waiting while it is full.</summary>
internal static class BatchHandoff
{
    /// <summary>Writes <paramref name="batch"/>, blocking while the channel is full; a closed channel is an error
    /// (the consumer stopped before the trace ended). The caller still owns the batch if this throws.</summary>
    public static void Send(ChannelWriter<EventBatch> output, EventBatch batch, CancellationToken cancel)
    {
        while (!output.TryWrite(batch))
        {
            if (!output.WaitToWriteAsync(cancel).AsTask().GetAwaiter().GetResult())
            {
                throw new ChannelClosedException("the event channel was closed before the trace was read to its end");
            }
        }
    }
}
