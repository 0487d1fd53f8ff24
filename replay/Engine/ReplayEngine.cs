using System.Threading.Channels;
using MmReplay.Ingest;

namespace MmReplay.Replay.Engine;

/// <summary>
/// Streams event batches through one <see cref="Machine"/> (one policy) and hands the effects, in batches,
/// to observers on a second task over a bounded channel. Replay is sequential per trace: ops apply in
/// trace order because fork couples processes.
/// </summary>
public static class ReplayEngine
{
    /// <summary>Effect batches in flight between the model and the analyzers (bounds memory).</summary>
    private const int EffectChannelCapacity = 8;

    public static async Task<ReplayCounts> RunAsync(
        ChannelReader<EventBatch> events,
        Machine machine,
        IReadOnlyList<IEffectObserver> observers,
        CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(machine);
        ArgumentNullException.ThrowIfNull(observers);

        var effects = Channel.CreateBounded<EffectBatch>(new BoundedChannelOptions(EffectChannelCapacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        var spare = Channel.CreateUnbounded<EffectBatch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        // An analyzer failure must stop the replay too, or the replay would wait on a full channel forever.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var analyze = Task.Run(
            async () =>
            {
                try
                {
                    await ObserveAsync(effects.Reader, spare.Writer, observers, stop.Token).ConfigureAwait(false);
                }
                catch
                {
                    await stop.CancelAsync().ConfigureAwait(false);
                    throw;
                }
            },
            CancellationToken.None);

        var counts = new ReplayCounts();
        var wants = EffectKinds.None;
        for (var i = 0; i < observers.Count; i++)
        {
            wants |= observers[i].Consumes;
        }

        var produced = machine.EffectsProduced;
        try
        {
            var current = new EffectBatch(wants);
            await foreach (var batch in events.ReadAllAsync(stop.Token).ConfigureAwait(false))
            {
                try
                {
                    for (var i = 0; i < batch.Count; i++)
                    {
                        if (i + Machine.PrefetchDistance < batch.Count)
                        {
                            machine.Prefetch(in batch.Events[i + Machine.PrefetchDistance]);
                        }

                        Step(machine, in batch.Events[i], current, counts);
                        if (current.IsReadyToSend)
                        {
                            await effects.Writer.WriteAsync(current, stop.Token).ConfigureAwait(false);
                            current = spare.Reader.TryRead(out var reused) ? reused : new EffectBatch(wants);
                        }
                    }
                }
                finally
                {
                    batch.Release();
                }
            }

            counts.AddEffects(machine.EffectsProduced - produced);
            if (current.Count > 0)
            {
                await effects.Writer.WriteAsync(current, stop.Token).ConfigureAwait(false);
            }

            effects.Writer.Complete();
        }
        catch (Exception ex)
        {
            effects.Writer.TryComplete(ex);
            if (ex is OperationCanceledException && !cancel.IsCancellationRequested)
            {
                // The analyzer's failure is the cause; the replay only saw the cancellation it triggered.
                await analyze.ConfigureAwait(false);
            }

            throw;
        }

        await analyze.ConfigureAwait(false);

        return counts;
    }

    /// <summary>Apply one event, or count why it was not applied.</summary>
    private static void Step(Machine machine, in TraceEvent e, EffectBatch sink, ReplayCounts counts)
    {
        switch (Machine.SupportOf(e.Op))
        {
            case OpSupport.Applied:
                machine.Apply(in e, sink);
                counts.CountReplayed();
                break;
            case OpSupport.Recorded:
                counts.CountRecorded();
                break;
            default:
                counts.CountNotModelled(e.Op);
                break;
        }
    }

    private static async Task ObserveAsync(
        ChannelReader<EffectBatch> effects,
        ChannelWriter<EffectBatch> spare,
        IReadOnlyList<IEffectObserver> observers,
        CancellationToken cancel)
    {
        await foreach (var batch in effects.ReadAllAsync(cancel).ConfigureAwait(false))
        {
            var span = batch.Effects;
            for (var i = 0; i < observers.Count; i++)
            {
                observers[i].Observe(span);
            }

            batch.Clear();
            spare.TryWrite(batch);
        }
    }
}
