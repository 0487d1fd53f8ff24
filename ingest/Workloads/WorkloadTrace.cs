using System.Threading.Channels;
using MathNet.Numerics.Random;

namespace MmReplay.Ingest.Workloads;

/// <summary>
/// A generated trace, read like a file: streams the workload's events in batches over a channel, so a trace of any
/// length takes the memory of a few batches. Everything is drawn from one MathNet <see cref="Xoshiro256StarStar"/>
/// seeded with <see cref="WorkloadOptions.Seed"/>; the workloads keep their state in arrays and lists and never
/// iterate a hash table, so the same options give the same events on every run and machine.
/// </summary>
public sealed class WorkloadTrace : ITraceReader
{
    private readonly WorkloadOptions _options;
    private readonly Workload _workload;
    private readonly TraceBuilder _trace;
    private bool _read;

    /// <summary>Throws <see cref="ArgumentException"/> (naming the flag) for invalid options.</summary>
    public WorkloadTrace(WorkloadOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        Info = new TraceInfo($"gen:{options.Workload}:seed={options.Seed}", TraceFormat.Generated, gzip: false, (int)TraceBuilder.PageSize, length: null);
        var random = new Xoshiro256StarStar(options.Seed, threadSafe: false);
        var context = new WorkloadContext(options, random);
        _workload = WorkloadCatalog.Create(options.Workload, context, options.Processes);
        _trace = new TraceBuilder(random, options, Info);
    }

    public TraceInfo Info { get; }

    public async Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_read)
        {
            throw new InvalidOperationException("a generated trace is read once");
        }

        _read = true;
        try
        {
            _workload.Start(_trace);
            while (_trace.Emitted < _options.Events)
            {
                _workload.Step(_trace);
                if (_trace.HasReady)
                {
                    cancel.ThrowIfCancellationRequested();
                    await HandOn(output, cancel).ConfigureAwait(false);
                }
            }

            _workload.Finish(_trace);
            _trace.Flush();
            await HandOn(output, cancel).ConfigureAwait(false);
            output.TryComplete();
        }
        catch (Exception e)
        {
            while (_trace.TakeReady() is { } unsent)
            {
                unsent.Release();
            }

            output.TryComplete(e);
            throw;
        }
    }

    public void Dispose()
    {
    }

    private async Task HandOn(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        while (_trace.TakeReady() is { } batch)
        {
            try
            {
                await output.WriteAsync(batch, cancel).ConfigureAwait(false);
            }
            catch
            {
                batch.Release();
                throw;
            }
        }
    }
}
