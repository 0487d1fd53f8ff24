using System.Threading.Channels;

namespace MmReplay.Ingest;

/// <summary>One open trace. Read it once; dispose it (ReadAsync also closes the input when it ends).</summary>
public interface ITraceReader : IDisposable
{
    TraceInfo Info { get; }

    /// <summary>
    /// Writes the trace's events to <paramref name="output"/> in trace order, in batches the consumer must
    /// <see cref="EventBatch.Release"/>, then completes the writer: normally at the end, with the exception on failure
    /// (<see cref="TraceRejectedException"/> under Strict, <see cref="TraceFormatException"/> for an unreadable trace,
    /// <see cref="OperationCanceledException"/>). The returned task ends the same way.
    /// </summary>
    Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel);
}
