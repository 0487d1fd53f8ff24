using System.Text.Unicode;
using CsvHelper;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Writes events as a CSV trace (format v1) that <see cref="CsvTraceReader"/> reads back into the same events:
/// every argument the event carries is spelled out, error_code= stands for fault access, and value= is written
/// whenever the reader's default (the data row number) would not give it back.
/// </summary>
public sealed class CsvTraceWriter : IDisposable
{
    private readonly CsvWriter _csv;
    private readonly ArgText _args = new();
    private readonly byte[] _addr = new byte[24];
    private readonly Func<int, string> _deviceName;
    private long _row;

    public CsvTraceWriter(Stream output, int pageSize, Func<int, string> deviceName)
    {
        _deviceName = deviceName;
        _csv = CsvWriter.Create(output, CsvWriterOptions.Default with { NewLine = "\n", CommentPrefix = '#' });
        _csv.WriteComment($"mmreplay-trace v1 page_size={pageSize}");
        _csv.WriteHeader(["time_ns", "cpu", "pid", "tid", "op", "addr", "len", "args"]);
    }

    public void Write(in TraceEvent ev)
    {
        _row++;
        ref readonly var spec = ref OpTable.Get(ev.Op);
        _csv.WriteField(ev.TimeNs, default);
        _csv.WriteField(ev.Cpu, default);
        _csv.WriteField(ev.Pid, default);
        _csv.WriteField(ev.Tid, default);
        _csv.WriteField(spec.Name);
        var hasRange = spec.Addr != AddrRule.None && !(spec.Addr == AddrRule.OptionalRange && ev.Addr == 0 && ev.Len == 0);
        if (hasRange)
        {
            Utf8.TryWrite(_addr, $"0x{ev.Addr:x}", out var n);
            _csv.WriteField(_addr.AsSpan(0, n));
            _csv.WriteField(ev.Len, default);
        }
        else
        {
            _csv.WriteField("");
            _csv.WriteField("");
        }

        FormatArgs(in ev, in spec);
        _csv.WriteField(_args.Text);
        _csv.EndRecord();
    }

    public void Dispose() => _csv.Dispose();

    private void FormatArgs(in TraceEvent ev, in OpSpec spec)
    {
        var args = _args;
        args.Clear();
        switch (ev.Op)
        {
            case OpCode.Mmap:
                args.Add("prot", ArgValues.Prot.NameOf(ev.Prot)).Add("map", ArgValues.Map.NameOf(ev.Shared)).Add("backing", ArgValues.Backing.NameOf(ev.Backing));
                if (ev.Backing == Backing.File)
                {
                    args.Add("file", ev.FileId).Add("pgoff", ev.PgOff).Add("fs", ArgValues.Fs.NameOf(ev.Fs));
                }

                args.AddFlags("flags", ArgValues.MmapFlags, ev.MmapFlags);
                break;
            case OpCode.Mprotect: args.Add("prot", ArgValues.Prot.NameOf(ev.Prot)); break;
            case OpCode.Madvise: args.Add("advice", ArgValues.Advice.NameOf(ev.Advice)); break;
            case OpCode.Mremap:
                args.AddHex("to", ev.Value);
                if (ev.PgOff != 0)
                {
                    args.Add("new_len", ev.PgOff);
                }

                break;
            case OpCode.Fault: args.AddHex("error_code", ev.ErrorCode); break;
            case OpCode.Fork: args.Add("child", ev.OtherPid); break;
            case OpCode.ClearRefs: args.Add("type", ev.ClearRefsType); break;
            case OpCode.UffdWp:
                args.Add("enable", ev.Enable ? 1 : 0);
                if (ev.Async)
                {
                    args.Add("async", 1);
                }

                break;
            case OpCode.PagemapScan:
                args.Add("want", "written");
                if (ev.Enable)
                {
                    args.Add("clear", 1);
                }

                break;
            case OpCode.WpRange or OpCode.CleanRange or OpCode.Writeback:
                args.Add("file", ev.FileId).Add("first", ev.PgOff).Add("nr", ev.Count);
                break;
            case OpCode.Pin: args.AddFlags("flags", ArgValues.PinFlags, ev.PinFlags); break;
            case OpCode.DevAttach: args.Add("dev", _deviceName(ev.Device)).Add("kind", ArgValues.Kind.NameOf(ev.DeviceKind)); break;
            case OpCode.DevDetach or OpCode.DevRead or OpCode.DevWrite: args.Add("dev", _deviceName(ev.Device)); break;
            case OpCode.KsmMerge: args.Add("with_pid", ev.OtherPid).AddHex("with_addr", ev.Value); break;
            case OpCode.TlbFlush: args.Add("reason", ArgValues.Reason.NameOf(ev.TlbReason)).Add("pages", ev.Count); break;
            case OpCode.Notifier:
                args.Add("call", ArgValues.Call.NameOf(ev.NotifierCall));
                if (ev.NotifierEvent != NotifierEvent.None)
                {
                    args.Add("event", ArgValues.Event.NameOf(ev.NotifierEvent));
                }

                break;
        }

        if (spec.IsWrite && (ev.HasValue || ev.Value != (ulong)_row))
        {
            args.Add("value", ev.Value);
        }

    }
}
