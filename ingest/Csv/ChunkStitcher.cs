using System.Threading.Channels;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Carries one file's numbering across the seams between chunks read apart (<see cref="CsvChunkReader"/>), in file
/// order on one thread: data row numbers (defaults of time and write values), the last time (rows going backwards),
/// device ids (in order of first appearance in the file) and the order of rejects. It touches a batch's events only
/// when one of those applies to them: events travel between cores once, to the consumer, not twice.
/// </summary>
internal sealed class ChunkStitcher(string file, TraceInfo info, IRejectSink? rejectSink, TraceReaderOptions options, bool hasTime)
{
    private readonly Dictionary<string, int> _deviceIds = [];
    private long _linesBefore;
    private long _rowsRead;
    private long _eventsEmitted;
    private long _rowsRejected;
    private ulong _lastTime;

    /// <summary>Has <paramref name="sequencer"/> carry on after the chunks stitched so far (the rest of the file read as one stream).</summary>
    public void CarryOn(EventSequencer sequencer) => sequencer.ContinueAfter(_linesBefore, _rowsRead, _lastTime, DeviceId);

    /// <summary>Publishes the counts so far, with <paramref name="bytesRead"/> of the file read.</summary>
    public void PublishCounts(long bytesRead)
    {
        info.SetCounts(_rowsRead, _eventsEmitted, _rowsRejected, 0);
        info.SetBytesRead(bytesRead);
    }

    /// <summary>
    /// Hands on one chunk's events and rejects in order, renumbering what the chunk numbered from its own start. A batch
    /// is walked event by event only when it needs it (<see cref="NeedsWalk"/>); otherwise only its events with a
    /// device or a defaulted write value are renumbered, and the rest go on untouched.
    /// </summary>
    public void Stitch(ChunkOutput chunk, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        var devices = DeviceMap(chunk);
        var rejects = chunk.Rejects;
        var renumbered = chunk.Renumbered;
        var nextReject = 0;
        var nextRenumbered = 0;
        long position = 0; // the chunk's events passed so far, the position its rejects are recorded at
        for (var b = 0; b < chunk.Batches.Count; b++)
        {
            var batch = chunk.Batches[b]!;
            chunk.Batches[b] = null; // handed on below: Release must not give it back twice
            var events = batch.Filled;
            var end = position + events.Length;
            if (NeedsWalk(chunk, events, end, nextReject))
            {
                var kept = Walk(chunk, devices, events, ref position, ref nextReject);
                batch.Truncate(kept);
                _eventsEmitted += kept;
            }
            else
            {
                for (; nextRenumbered < renumbered.Count && renumbered[nextRenumbered] < end; nextRenumbered++)
                {
                    Renumber(chunk, devices, ref events[(int)(renumbered[nextRenumbered] - position)]);
                }

                // In order within the chunk and not below the seam: the batch's last time is the chunk's latest.
                _lastTime = events.Length > 0 && hasTime ? events[^1].TimeNs : _lastTime;
                position = end;
                _eventsEmitted += events.Length;
            }

            while (nextRenumbered < renumbered.Count && renumbered[nextRenumbered] < end)
            {
                nextRenumbered++; // walked
            }

            Send(batch, output, cancel);
        }

        chunk.Batches.Clear();
        while (nextReject < rejects.Count)
        {
            Reject(rejects[nextReject++]);
        }

        _rowsRead += chunk.Info.RowsRead;
        _linesBefore += chunk.Lines;
        PublishCounts(chunk.Chunk.End);
    }

    /// <summary>
    /// Whether a batch must be walked event by event: a reject falls among its events (it goes back between the right
    /// ones, with the last time before it), its times are row numbers (no time_ns column), or its first time is below
    /// the last time before the seam. Times within a chunk never go down (its reader rejected those rows), so the first
    /// event decides for the batch.
    /// </summary>
    private bool NeedsWalk(ChunkOutput chunk, ReadOnlySpan<TraceEvent> events, long end, int nextReject) =>
        (nextReject < chunk.Rejects.Count && chunk.Rejects[nextReject].EventsBefore < end)
        || !hasTime
        || (events.Length > 0 && events[0].TimeNs < _lastTime);

    /// <summary>Gives an event the file's device id and, for a write without a value, the file's data row number.</summary>
    private void Renumber(ChunkOutput chunk, int[]? devices, ref TraceEvent ev)
    {
        ref readonly var spec = ref OpTable.Get(ev.Op);
        if (spec.IsWrite && !ev.HasValue)
        {
            ev.Value += (ulong)_rowsRead;
        }

        if (spec.UsesDevice && devices is not null)
        {
            ev.Device = GlobalDevice(chunk, devices, ev.Device);
        }
    }

    /// <summary>Renumbers a batch's events one by one, rejecting those below the last time before the seam; returns how many it kept.</summary>
    private int Walk(ChunkOutput chunk, int[]? devices, Span<TraceEvent> events, ref long position, ref int nextReject)
    {
        var rowsBefore = (ulong)_rowsRead;
        var rejects = chunk.Rejects;
        var kept = 0;
        for (var i = 0; i < events.Length; i++, position++)
        {
            while (nextReject < rejects.Count && rejects[nextReject].EventsBefore <= position)
            {
                Reject(rejects[nextReject++]);
            }

            ref var ev = ref events[i];
            if (!hasTime)
            {
                ev.TimeNs += rowsBefore;
            }
            else if (ev.TimeNs < _lastTime)
            {
                // In order within its chunk, but below the last time of an earlier chunk.
                var text = (chunk.LineFinder ??= new ChunkLines(chunk)).Text(ev.Line - chunk.LinesBefore);
                Reject(new Rejection(file, ev.Line, "time_ns", $"time goes backwards ({ev.TimeNs} after {_lastTime})", text));
                continue;
            }
            else
            {
                _lastTime = ev.TimeNs;
            }

            Renumber(chunk, devices, ref ev);
            if (kept != i)
            {
                events[kept] = ev; // close the gap a reject left (rare: no copy otherwise)
            }

            kept++;
        }

        return kept;
    }

    /// <summary>
    /// The chunk's device ids mapped to the file's, filled as events are walked; null when they are the same (every
    /// device the chunk names already has the file id the chunk gave it), so no event needs its id changed.
    /// </summary>
    private int[]? DeviceMap(ChunkOutput chunk)
    {
        var names = chunk.Info.DeviceNames;
        for (var local = 0; local < names.Count; local++)
        {
            if (!_deviceIds.TryGetValue(names[local], out var id) || id != local)
            {
                var devices = new int[names.Count];
                Array.Fill(devices, -1);
                return devices;
            }
        }

        return null;
    }

    private int GlobalDevice(ChunkOutput chunk, int[] devices, int local)
    {
        if (devices[local] < 0)
        {
            devices[local] = DeviceId(chunk.Info.DeviceNames[local]);
        }

        return devices[local];
    }

    /// <summary>The file's id of the device named <paramref name="name"/>, given in order of first appearance.</summary>
    private int DeviceId(string name)
    {
        if (!_deviceIds.TryGetValue(name, out var id))
        {
            id = info.AddDevice(name);
            _deviceIds.Add(name, id);
        }

        return id;
    }

    /// <summary>A chunk's reject (numbered in the file's lines already); one for time going backwards names the file's last time before it.</summary>
    private void Reject(ChunkReject reject)
    {
        var r = reject.Rejection;
        Reject(reject.BackwardsTime is { } time ? r with { Reason = $"time goes backwards ({time} after {_lastTime})" } : r);
    }

    private void Reject(in Rejection rejection)
    {
        _rowsRejected++;
        rejectSink?.Reject(in rejection);
        if (options.Strict)
        {
            PublishCounts(info.BytesRead);
            throw new TraceRejectedException(rejection);
        }
    }

    private static void Send(EventBatch batch, ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        if (batch.Count == 0)
        {
            batch.Release();
            return;
        }

        try
        {
            BatchHandoff.Send(output, batch, cancel);
        }
        catch
        {
            batch.Release();
            throw;
        }
    }
}
