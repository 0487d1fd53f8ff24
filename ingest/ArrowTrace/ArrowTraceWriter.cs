using MmReplay.Arrow;

namespace MmReplay.Ingest.ArrowTrace;

/// <summary>Writes events as an Arrow trace file (<see cref="ArrowTraceSchema"/>), to a temporary name renamed on <see cref="Complete"/>.</summary>
public sealed class ArrowTraceWriter : IDisposable
{
    private readonly ArrowWriter _writer;
    private readonly Func<int, string> _deviceName;
    private readonly PrimitiveColumnBuilder<long> _line, _count;
    private readonly PrimitiveColumnBuilder<ulong> _time, _addr, _len, _value, _pgoff;
    private readonly PrimitiveColumnBuilder<int> _cpu, _pid, _tid, _otherPid, _fileId;
    private readonly PrimitiveColumnBuilder<uint> _errorCode;
    private readonly DictionaryColumnBuilder _op;
    private readonly Utf8ColumnBuilder _dev;
    private readonly PrimitiveColumnBuilder<byte>[] _bytes;

    /// <param name="options">Writer options; the defaults unless a caller needs another record batch size (tests).</param>
    public ArrowTraceWriter(string path, int pageSize, Func<int, string> deviceName, ArrowWriterOptions? options = null)
    {
        _deviceName = deviceName;
        _writer = ArrowWriter.Create(path, ArrowTraceSchema.Create(pageSize), options);
        _line = _writer.Int64(ArrowTraceSchema.Line);
        _time = _writer.UInt64(ArrowTraceSchema.TimeNs);
        _cpu = _writer.Int32(ArrowTraceSchema.Cpu);
        _pid = _writer.Int32(ArrowTraceSchema.Pid);
        _tid = _writer.Int32(ArrowTraceSchema.Tid);
        _op = _writer.Dictionary(ArrowTraceSchema.Op);
        _addr = _writer.UInt64(ArrowTraceSchema.Addr);
        _len = _writer.UInt64(ArrowTraceSchema.Len);
        _value = _writer.UInt64(ArrowTraceSchema.Value);
        _pgoff = _writer.UInt64(ArrowTraceSchema.PgOff);
        _count = _writer.Int64(ArrowTraceSchema.Count);
        _otherPid = _writer.Int32(ArrowTraceSchema.OtherPid);
        _fileId = _writer.Int32(ArrowTraceSchema.FileId);
        _dev = _writer.Utf8(ArrowTraceSchema.Dev);
        _errorCode = _writer.UInt32(ArrowTraceSchema.ErrorCode);
        _bytes = new PrimitiveColumnBuilder<byte>[ArrowTraceSchema.ByteColumns.Count];
        for (var i = 0; i < _bytes.Length; i++)
        {
            _bytes[i] = _writer.UInt8(ArrowTraceSchema.FirstByte + i);
        }
    }

    public void Write(in TraceEvent ev)
    {
        _line.Append(ev.Line);
        _time.Append(ev.TimeNs);
        _cpu.Append(ev.Cpu);
        _pid.Append(ev.Pid);
        _tid.Append(ev.Tid);
        _op.Append((int)ev.Op - 1);
        _addr.Append(ev.Addr);
        _len.Append(ev.Len);
        _value.Append(ev.Value);
        _pgoff.Append(ev.PgOff);
        _count.Append(ev.Count);
        _otherPid.Append(ev.OtherPid);
        _fileId.Append(ev.FileId);
        if (OpTable.Get(ev.Op).UsesDevice)
        {
            _dev.Append(_deviceName(ev.Device));
        }
        else
        {
            _dev.AppendNull();
        }

        _errorCode.Append(ev.ErrorCode);
        ReadOnlySpan<byte> bytes =
        [
            (byte)ev.Prot, ev.Shared ? (byte)1 : (byte)0, (byte)ev.Backing, (byte)ev.Fs, (byte)ev.MmapFlags, (byte)ev.PinFlags,
            (byte)ev.Advice, (byte)ev.Access, ev.ClearRefsType, (byte)ev.DeviceKind, (byte)ev.TlbReason, (byte)ev.NotifierCall,
            (byte)ev.NotifierEvent, ev.Enable ? (byte)1 : (byte)0, ev.Async ? (byte)1 : (byte)0, ev.HasValue ? (byte)1 : (byte)0,
        ];
        for (var i = 0; i < bytes.Length; i++)
        {
            _bytes[i].Append(bytes[i]);
        }

        _writer.EndRow();
    }

    public void Complete() => _writer.Complete();

    public void Dispose() => _writer.Dispose();
}
