using System.Threading.Channels;
using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>Events already in memory (a generated oracle trace), read like a file so ingest's writers can write them.</summary>
public sealed class EventListTrace : ITraceReader
{
    private readonly IReadOnlyList<TraceEvent> _events;

    public EventListTrace(string name, IReadOnlyList<TraceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        _events = events;
        Info = new TraceInfo(name, TraceFormat.Generated, gzip: false, (int)OpListTranslator.PageSize, length: null);
    }

    public TraceInfo Info { get; }

    public int Count => _events.Count;

    public async Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        try
        {
            for (int start = 0; start < _events.Count; start += EventBatch.DefaultCapacity)
            {
                var batch = new EventBatch();
                for (int i = start; i < Math.Min(_events.Count, start + EventBatch.DefaultCapacity); i++)
                    batch.Add() = _events[i];
                await output.WriteAsync(batch, cancel).ConfigureAwait(false);
            }
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e);
            throw;
        }
    }

    public void Dispose()
    {
    }
}
