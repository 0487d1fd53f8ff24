using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MmReplay.Arrow;
using MmReplay.Ingest.Io;

namespace MmReplay.Ingest.ArrowTrace;

/// <summary>
/// Reads an Arrow trace: columns copied straight into events, batch by batch (no text to parse: the fast path for
/// repeated replays). Rows were validated when the trace was converted; this reader checks the schema, the op
/// names and the time order, and rejects nothing silently: a row out of order fails the read.
/// </summary>
public sealed class ArrowTraceReader : ITraceReader
{
    private readonly TraceInput _input;
    private readonly TraceReaderOptions _options;
    /// <summary>Each record batch is copied into events before its body is read over again (see <see cref="RecordBatchPrefetcher"/>).</summary>
    private static readonly ArrowReaderOptions ReuseBodies = new() { ReuseBatchBodies = true };

    private readonly ArrowReader _arrow;

    public ArrowTraceReader(TraceInput input, TraceReaderOptions options)
    {
        _input = input;
        _options = options;
        _arrow = input.Path == "-" ? ArrowReader.Open(input.Stream, ReuseBodies, leaveOpen: true) : ArrowReader.Open(input.Path, ReuseBodies);
        var pageSize = CheckSchema(_arrow.Schema, input.DisplayName);
        Info = new TraceInfo(input.Path, TraceFormat.Arrow, input.Gzip, pageSize, input.Length);
    }

    public TraceInfo Info { get; }

    public Task ReadAsync(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(output);
        return Task.Factory.StartNew(() => Pump(output, cancel), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public void Dispose()
    {
        _arrow.Dispose();
        _input.Dispose();
    }

    private void Pump(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        try
        {
            Read(output, cancel);
            output.TryComplete();
        }
        catch (Exception e)
        {
            output.TryComplete(e is ArrowFormatException ? new TraceFormatException(_input.DisplayName, 0, "", e.Message) : e);
            throw;
        }
        finally
        {
            Dispose();
        }
    }

    private void Read(ChannelWriter<EventBatch> output, CancellationToken cancel)
    {
        var devices = new DeviceRegistry();
        var ops = new OpCode[OpTable.All.Length + 1];
        var usesDevice = new bool[ops.Length];
        ulong lastTime = 0;
        long events = 0;
        using var batches = new RecordBatchPrefetcher(_arrow, _input.Path == "-" ? null : _input.Path, ReuseBodies);
        while (batches.Next() is { } arrow)
        {
            MapOps(arrow.Column(ArrowTraceSchema.Op), ops, usesDevice);
            // The one-byte columns, side by side in one buffer: spans cannot be kept in an array.
            var n = arrow.Length;
            var bytes = ArrayPool<byte>.Shared.Rent(ArrowTraceSchema.ByteColumns.Count * n);
            try
            {
                for (var c = 0; c < ArrowTraceSchema.ByteColumns.Count; c++)
                {
                    arrow.Column(ArrowTraceSchema.FirstByte + c).Values<byte>().CopyTo(bytes.AsSpan(c * n, n));
                }

                for (var row = 0; row < n;)
                {
                    var batch = new EventBatch(_options.BatchSize);
                    try
                    {
                        var count = Math.Min(n - row, batch.Capacity);
                        lastTime = Fill(arrow, row, batch.Append(count), bytes, n, ops, usesDevice, devices, lastTime);
                        row += count;
                        events += count;
                        Info.SetCounts(events, events, 0, 0);
                        Info.SetBytesRead(_input.BytesRead);
                        cancel.ThrowIfCancellationRequested();
                        BatchHandoff.Send(output, batch, cancel);
                    }
                    catch
                    {
                        batch.Release();
                        throw;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(bytes);
            }
        }
    }

    /// <summary>
    /// Rows from <paramref name="first"/> of a record batch into <paramref name="events"/> (cleared slots of a batch, taken
    /// at once). Every column is sliced to the rows wanted first, so the row loop reads the column buffers in place with
    /// no per-field lookups. Row by row, not column by column: measured, thirty passes over the batch cost more.
    /// </summary>
    private ulong Fill(ArrowRecordBatch arrow, int first, Span<TraceEvent> events, byte[] bytes, int n, OpCode[] ops,
        bool[] usesDevice, DeviceRegistry devices, ulong lastTime)
    {
        var count = events.Length;
        var line = arrow.Column(ArrowTraceSchema.Line).Values<long>().Slice(first, count);
        var time = arrow.Column(ArrowTraceSchema.TimeNs).Values<ulong>().Slice(first, count);
        var cpu = arrow.Column(ArrowTraceSchema.Cpu).Values<int>().Slice(first, count);
        var pid = arrow.Column(ArrowTraceSchema.Pid).Values<int>().Slice(first, count);
        var tid = arrow.Column(ArrowTraceSchema.Tid).Values<int>().Slice(first, count);
        var op = arrow.Column(ArrowTraceSchema.Op).Values<int>().Slice(first, count);
        var addr = arrow.Column(ArrowTraceSchema.Addr).Values<ulong>().Slice(first, count);
        var len = arrow.Column(ArrowTraceSchema.Len).Values<ulong>().Slice(first, count);
        var value = arrow.Column(ArrowTraceSchema.Value).Values<ulong>().Slice(first, count);
        var pgoff = arrow.Column(ArrowTraceSchema.PgOff).Values<ulong>().Slice(first, count);
        var counts = arrow.Column(ArrowTraceSchema.Count).Values<long>().Slice(first, count);
        var otherPid = arrow.Column(ArrowTraceSchema.OtherPid).Values<int>().Slice(first, count);
        var fileId = arrow.Column(ArrowTraceSchema.FileId).Values<int>().Slice(first, count);
        var errorCode = arrow.Column(ArrowTraceSchema.ErrorCode).Values<uint>().Slice(first, count);
        var dev = arrow.Column(ArrowTraceSchema.Dev);
        for (var i = 0; i < events.Length; i++)
        {
            ref var ev = ref events[i];
            ev.Line = line[i];
            ev.TimeNs = time[i];
            if (ev.TimeNs < lastTime)
            {
                throw new TraceFormatException(_input.DisplayName, ev.Line, "time_ns", $"time goes backwards ({ev.TimeNs} after {lastTime})");
            }

            lastTime = ev.TimeNs;
            var index = (uint)op[i];
            ev.Op = index < (uint)ops.Length ? ops[index] : OpCode.None;
            if (ev.Op == OpCode.None)
            {
                throw new TraceFormatException(_input.DisplayName, ev.Line, "op", "op index out of range");
            }

            ev.Cpu = cpu[i];
            ev.Pid = pid[i];
            ev.Tid = tid[i];
            ev.Addr = addr[i];
            ev.Len = len[i];
            ev.Value = value[i];
            ev.PgOff = pgoff[i];
            ev.Count = counts[i];
            ev.OtherPid = otherPid[i];
            ev.FileId = fileId[i];
            ev.ErrorCode = errorCode[i];
            FillBytes(bytes, n, first + i, ref ev);
            if (usesDevice[index])
            {
                ev.Device = Device(devices, dev.GetUtf8(first + i));
            }
        }

        return lastTime;
    }

    /// <summary>Column c of the one-byte columns is at bytes[c * n + row].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FillBytes(byte[] bytes, int n, int row, ref TraceEvent ev)
    {
        ev.Prot = (Prot)bytes[row];
        ev.Shared = bytes[n + row] != 0;
        ev.Backing = (Backing)bytes[(2 * n) + row];
        ev.Fs = (FileSystem)bytes[(3 * n) + row];
        ev.MmapFlags = (MmapFlags)bytes[(4 * n) + row];
        ev.PinFlags = (PinFlags)bytes[(5 * n) + row];
        ev.Advice = (Advice)bytes[(6 * n) + row];
        ev.Access = (Access)bytes[(7 * n) + row];
        ev.ClearRefsType = bytes[(8 * n) + row];
        ev.DeviceKind = (DeviceKind)bytes[(9 * n) + row];
        ev.TlbReason = (TlbFlushReason)bytes[(10 * n) + row];
        ev.NotifierCall = (NotifierCall)bytes[(11 * n) + row];
        ev.NotifierEvent = (NotifierEvent)bytes[(12 * n) + row];
        ev.Enable = bytes[(13 * n) + row] != 0;
        ev.Async = bytes[(14 * n) + row] != 0;
        ev.HasValue = bytes[(15 * n) + row] != 0;
    }

    /// <summary>Device ids by first appearance, as the CSV reader numbers them (one thread: provisional = final).</summary>
    private int Device(DeviceRegistry devices, ReadOnlySpan<byte> name)
    {
        var id = devices.Provisional(name);
        if (id == Info.DeviceNames.Count)
        {
            Info.AddDevice(devices.Name(id));
        }

        return id;
    }

    /// <summary>Op codes by dictionary index, from the names the file declares (so a file's own order is honoured).</summary>
    private void MapOps(ArrowColumn column, OpCode[] ops, bool[] usesDevice)
    {
        var names = column.Dictionary!;
        Array.Clear(ops);
        Array.Clear(usesDevice);
        for (var i = 0; i < names.Length && i < ops.Length; i++)
        {
            if (!OpTable.TryParse(names.GetUtf8(i), out ops[i]))
            {
                throw new TraceFormatException(_input.DisplayName, 0, "op", $"unknown op '{names.GetString(i)}' in the op dictionary");
            }

            usesDevice[i] = OpTable.Get(ops[i]).UsesDevice;
        }
    }

    private static int CheckSchema(ArrowSchema schema, string file)
    {
        var expected = ArrowTraceSchema.Create(TraceInput.DefaultPageSize);
        if (schema.Fields.Count != expected.Fields.Count)
        {
            throw new TraceFormatException(file, 0, "", $"not an mmreplay Arrow trace: {schema.Fields.Count} columns, expected {expected.Fields.Count}");
        }

        for (var i = 0; i < expected.Fields.Count; i++)
        {
            var (got, want) = (schema.Fields[i], expected.Fields[i]);
            if (got.Name != want.Name || got.Type.Id != want.Type.Id)
            {
                throw new TraceFormatException(file, 0, got.Name, $"not an mmreplay Arrow trace: column {i} is '{got.Name}' {got.Type}, expected '{want.Name}' {want.Type}");
            }
        }

        var pageSize = TraceInput.DefaultPageSize;
        foreach (var (key, value) in schema.Metadata)
        {
            if (key == "page_size" && !int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize))
            {
                throw new TraceFormatException(file, 0, "", $"bad page_size '{value}' in the schema metadata");
            }
        }

        return pageSize;
    }
}
