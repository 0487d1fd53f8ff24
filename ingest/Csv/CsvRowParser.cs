using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Turns one CSV record into a <see cref="TraceEvent"/>, validating every column and argument of trace format v1
/// straight from CsvHelper's UTF-8 field spans (no string per field). Stateless per row, so parallel workers share
/// one instance; what depends on row order (time, row number, device ids) is left to <see cref="EventSequencer"/>.
/// </summary>
public sealed class CsvRowParser
{
    private readonly CsvColumns _columns;

    /// <summary>The header's column count, kept here: CsvColumns.Count goes through IReadOnlyList, once per row.</summary>
    private readonly int _fieldCount;
    private readonly ulong _pageSize;

    /// <summary>page size - 1: alignment checks mask instead of dividing (a 64-bit division costs tens of cycles).</summary>
    private readonly ulong _pageMask;
    private readonly DeviceRegistry _devices;

    public CsvRowParser(CsvColumns columns, int pageSize, DeviceRegistry devices)
    {
        _columns = columns;
        _fieldCount = columns.Count;
        if (pageSize <= 0 || (pageSize & (pageSize - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, "the page size must be a power of two");
        }

        _pageSize = (ulong)pageSize;
        _pageMask = _pageSize - 1;
        _devices = devices;
    }

    /// <summary>The parallel path: the row as a value, with what the ordering stage needs to quote it later.</summary>
    public ParsedRow Parse(CsvReader reader)
    {
        var row = new ParsedRow { RecordNumber = reader.RowNumber, ByteOffset = reader.ByteOffset, RawLength = reader.RawRecord.Length };
        row.Event.Line = reader.LineNumber;
        row.Error = Fill(reader, ref row.Event);
        if (row.Error is not null)
        {
            row.Error.Raw = Encoding.UTF8.GetString(reader.RawRecord);
        }

        return row;
    }

    /// <summary>Parses the current record into <paramref name="ev"/> (cleared, <see cref="TraceEvent.Line"/> set); null when valid.</summary>
    public RowError? Fill(CsvReader r, ref TraceEvent ev)
    {
        if (r.FieldCount != _fieldCount)
        {
            return r.FieldCount < _fieldCount
                ? new RowError(_columns.Header[r.FieldCount], $"missing field (row has {r.FieldCount} fields, header has {_columns.Count})")
                : new RowError("", $"too many fields (row has {r.FieldCount}, header has {_columns.Count})");
        }

        var op = r.GetSpan(_columns.Op);
        if (!OpTable.TryParse(op, out ev.Op))
        {
            return new RowError("op", op.IsEmpty ? "missing op" : $"unknown op '{Encoding.UTF8.GetString(op)}'");
        }

        ref readonly var spec = ref OpTable.Get(ev.Op);
        if (_columns.TimeNs >= 0)
        {
            var time = r.GetSpan(_columns.TimeNs);
            if (!FieldParser.TryDecimal(time, out ev.TimeNs))
            {
                return new RowError("time_ns", time.IsEmpty ? "missing time" : FieldParser.Bad(time));
            }
        }

        var error = Ids(r, ref ev) ?? Range(r, in spec, ref ev);
        if (error is not null)
        {
            return error;
        }

        return _columns.Args >= 0 ? Args(r.GetSpan(_columns.Args), in spec, ref ev) : Args([], in spec, ref ev);
    }

    private RowError? Ids(CsvReader r, ref TraceEvent ev)
    {
        var cpu = r.GetSpan(_columns.Cpu);
        if (!FieldParser.TryInt(cpu, out ev.Cpu) || ev.Cpu < 0)
        {
            return new RowError("cpu", cpu.IsEmpty ? "missing cpu" : ev.Cpu < 0 ? "cpu must be >= 0" : FieldParser.Bad(cpu));
        }

        var pid = r.GetSpan(_columns.Pid);
        if (!FieldParser.TryInt(pid, out ev.Pid) || ev.Pid <= 0)
        {
            return new RowError("pid", pid.IsEmpty ? "missing pid" : ev.Pid <= 0 && FieldParser.TryInt(pid, out _) ? "pid must be > 0" : FieldParser.Bad(pid));
        }

        var tid = _columns.Tid >= 0 ? r.GetSpan(_columns.Tid) : [];
        if (tid.IsEmpty)
        {
            ev.Tid = ev.Pid;
        }
        else if (!FieldParser.TryInt(tid, out ev.Tid) || ev.Tid <= 0)
        {
            return new RowError("tid", ev.Tid <= 0 && FieldParser.TryInt(tid, out _) ? "tid must be > 0" : FieldParser.Bad(tid));
        }

        return null;
    }

    private RowError? Range(CsvReader r, in OpSpec spec, ref TraceEvent ev)
    {
        var addr = _columns.Addr >= 0 ? r.GetSpan(_columns.Addr) : [];
        var len = _columns.Len >= 0 ? r.GetSpan(_columns.Len) : [];
        if (spec.Addr == AddrRule.None || (spec.Addr == AddrRule.OptionalRange && addr.IsEmpty))
        {
            if (!addr.IsEmpty)
            {
                return new RowError("addr", $"op '{spec.Name}' takes no address");
            }

            return len.IsEmpty ? null : new RowError("len", $"op '{spec.Name}' takes no length");
        }

        if (addr.IsEmpty)
        {
            return new RowError("addr", $"missing address (op '{spec.Name}' needs one)");
        }

        if (!FieldParser.TryHexOrDecimal(addr, out ev.Addr))
        {
            return new RowError("addr", FieldParser.Bad(addr));
        }

        ev.Len = _pageSize;
        if (!len.IsEmpty && !FieldParser.TryHexOrDecimal(len, out ev.Len))
        {
            return new RowError("len", FieldParser.Bad(len));
        }

        if (ev.Len == 0)
        {
            return new RowError("len", "length must be > 0");
        }

        if (ev.Addr + ev.Len < ev.Addr)
        {
            return new RowError("len", $"range 0x{ev.Addr:x}+{ev.Len} wraps past the end of the address space");
        }

        var aligned = spec.Addr is AddrRule.AlignedStart or AddrRule.AlignedRange;
        if (aligned && (ev.Addr & _pageMask) != 0)
        {
            return new RowError("addr", $"address 0x{ev.Addr:x} is not page-aligned (page size {_pageSize}; op '{spec.Name}')");
        }

        if (spec.Addr == AddrRule.AlignedRange && (ev.Len & _pageMask) != 0)
        {
            return new RowError("len", $"length {ev.Len} is not a multiple of the page size {_pageSize} (op '{spec.Name}')");
        }

        return null;
    }

    private RowError? Args(ReadOnlySpan<byte> args, in OpSpec spec, ref TraceEvent ev)
    {
        var seen = ArgKeys.None;
        var rest = args;
        while (!rest.IsEmpty)
        {
            var space = rest.IndexOf((byte)' ');
            var pair = space < 0 ? rest : rest[..space];
            rest = space < 0 ? [] : rest[(space + 1)..];
            if (pair.IsEmpty || (space >= 0 && rest.IsEmpty))
            {
                return Bad("empty argument: args are key=value pairs separated by single spaces");
            }

            var eq = pair.IndexOf((byte)'=');
            if (eq <= 0)
            {
                return Bad($"argument '{Encoding.UTF8.GetString(pair)}' is not key=value");
            }

            var key = pair[..eq];
            var value = pair[(eq + 1)..];
            if (!ArgKeyNames.TryParse(key, out var k))
            {
                return Bad($"unknown argument '{Encoding.UTF8.GetString(key)}'");
            }

            if ((spec.Allowed & k) == 0)
            {
                return Bad($"op '{spec.Name}' takes no argument '{ArgKeyNames.Name(k)}'");
            }

            if ((seen & k) != 0)
            {
                return Bad($"argument '{ArgKeyNames.Name(k)}' given twice");
            }

            seen |= k;
            var error = value.IsEmpty ? Bad($"argument '{ArgKeyNames.Name(k)}' has no value") : Arg(k, value, in spec, ref ev);
            if (error is not null)
            {
                return error;
            }
        }

        var missing = spec.Required & ~seen;
        if (missing != 0)
        {
            return Bad($"missing argument '{ArgKeyNames.Name(Lowest(missing))}' (op '{spec.Name}' needs {OpTable.ArgNames(spec.Required)})");
        }

        return spec.Op switch
        {
            OpCode.Fault => FaultAccess(seen, ref ev),
            OpCode.Mmap => MmapBacking(seen, ref ev),
            _ => null,
        };
    }

    private RowError? Arg(ArgKeys key, ReadOnlySpan<byte> v, in OpSpec spec, ref TraceEvent ev)
    {
        switch (key)
        {
            case ArgKeys.Prot: return Word(ArgValues.Prot, key, v, out ev.Prot);
            case ArgKeys.Map: return Word(ArgValues.Map, key, v, out ev.Shared);
            case ArgKeys.Backing: return Word(ArgValues.Backing, key, v, out ev.Backing);
            case ArgKeys.Fs: return Word(ArgValues.Fs, key, v, out ev.Fs);
            case ArgKeys.Advice: return Word(ArgValues.Advice, key, v, out ev.Advice);
            case ArgKeys.Access: return Word(ArgValues.Access, key, v, out ev.Access);
            case ArgKeys.Kind: return Word(ArgValues.Kind, key, v, out ev.DeviceKind);
            case ArgKeys.Reason: return Word(ArgValues.Reason, key, v, out ev.TlbReason);
            case ArgKeys.Call: return Word(ArgValues.Call, key, v, out ev.NotifierCall);
            case ArgKeys.Event: return Word(ArgValues.Event, key, v, out ev.NotifierEvent);
            case ArgKeys.Want: return Word(ArgValues.Want, key, v, out _);
            case ArgKeys.Enable: return Word(ArgValues.Bit, key, v, out ev.Enable);
            case ArgKeys.Clear: return Word(ArgValues.Bit, key, v, out ev.Enable);
            case ArgKeys.Async: return Word(ArgValues.Bit, key, v, out ev.Async);
            case ArgKeys.Flags:
                return spec.Op == OpCode.Pin ? Set(ArgValues.PinFlags, key, v, out ev.PinFlags) : Set(ArgValues.MmapFlags, key, v, out ev.MmapFlags);
            case ArgKeys.File:
                return FieldParser.TryInt(v, out ev.FileId) && ev.FileId >= 0 ? null : BadValue(key, v, "a file id >= 0");
            case ArgKeys.PgOff:
            case ArgKeys.First:
                return FieldParser.TryHexOrDecimal(v, out ev.PgOff) ? null : BadValue(key, v, "a page offset");
            case ArgKeys.NewLen:
                return FieldParser.TryHexOrDecimal(v, out ev.PgOff) && ev.PgOff > 0 && (ev.PgOff & _pageMask) == 0
                    ? null : BadValue(key, v, $"a length > 0, a multiple of the page size {_pageSize}");
            case ArgKeys.To:
                return FieldParser.TryHexOrDecimal(v, out ev.Value) && (ev.Value & _pageMask) == 0
                    ? null : BadValue(key, v, $"a page-aligned address (page size {_pageSize})");
            case ArgKeys.WithAddr:
                return FieldParser.TryHexOrDecimal(v, out ev.Value) ? null : BadValue(key, v, "an address");
            case ArgKeys.Value:
                ev.HasValue = true;
                return FieldParser.TryHexOrDecimal(v, out ev.Value) ? null : BadValue(key, v, "an unsigned 64-bit number");
            case ArgKeys.ErrorCode:
                return FieldParser.TryHexOrDecimal(v, out var code) && code <= uint.MaxValue && (ev.ErrorCode = (uint)code) == code
                    ? null : BadValue(key, v, "an x86 page fault error code");
            case ArgKeys.Child:
            case ArgKeys.WithPid:
                return FieldParser.TryInt(v, out ev.OtherPid) && ev.OtherPid > 0 ? null : BadValue(key, v, "a pid > 0");
            case ArgKeys.Type:
                return FieldParser.TryInt(v, out var type) && type is >= 1 and <= 5 && (ev.ClearRefsType = (byte)type) > 0
                    ? null : BadValue(key, v, "1..5");
            case ArgKeys.Nr:
                return FieldParser.TryLong(v, out ev.Count) && ev.Count > 0 ? null : BadValue(key, v, "a page count > 0");
            case ArgKeys.Pages:
                return FieldParser.TryLong(v, out ev.Count) && ev.Count >= -1 ? null : BadValue(key, v, "a page count, or -1 for a full flush");
            case ArgKeys.Dev:
                if (v.Length > DeviceRegistry.MaxNameBytes || !System.Text.Unicode.Utf8.IsValid(v))
                {
                    return BadValue(key, v, $"a UTF-8 device name of at most {DeviceRegistry.MaxNameBytes} bytes");
                }

                ev.Device = _devices.Provisional(v);
                return null;
            default:
                return Bad($"argument '{ArgKeyNames.Name(key)}' is not handled"); // a key added to ArgKeys without a parser
        }
    }

    /// <summary>fault takes access= or error_code= (x86: bit 1 write, bit 2 user, bit 4 instruction fetch) and fills in the other.</summary>
    private static RowError? FaultAccess(ArgKeys seen, ref TraceEvent ev)
    {
        const uint Write = 0x2, User = 0x4, Fetch = 0x10;
        var both = ArgKeys.Access | ArgKeys.ErrorCode;
        if ((seen & both) == both)
        {
            return Bad("give access= or error_code=, not both");
        }

        if ((seen & ArgKeys.ErrorCode) != 0)
        {
            ev.Access = (ev.ErrorCode & Fetch) != 0 ? Access.Exec : (ev.ErrorCode & Write) != 0 ? Access.Write : Access.Read;
            return null;
        }

        if ((seen & ArgKeys.Access) == 0)
        {
            return Bad("missing argument 'access' (op 'fault' needs access= or error_code=)");
        }

        ev.ErrorCode = ev.Access switch { Access.Write => User | Write, Access.Exec => User | Fetch, _ => User };
        return null;
    }

    /// <summary>file=, pgoff= and fs= describe a file mapping, so they need backing=file, which needs file=.</summary>
    private static RowError? MmapBacking(ArgKeys seen, ref TraceEvent ev)
    {
        var fileArgs = seen & (ArgKeys.File | ArgKeys.PgOff | ArgKeys.Fs);
        if (ev.Backing != Backing.File && fileArgs != 0)
        {
            return Bad($"argument '{ArgKeyNames.Name(Lowest(fileArgs))}' needs backing=file");
        }

        if (ev.Backing == Backing.File && (seen & ArgKeys.File) == 0)
        {
            return Bad("missing argument 'file' (backing=file needs it)");
        }

        if (ev.Backing == Backing.Anon && ev.Shared)
        {
            ev.Fs = FileSystem.Shmem; // shared anonymous memory is shmem (trace-format.md)
        }

        return null;
    }

    private static RowError? Word<T>(AsciiLookup<T> words, ArgKeys key, ReadOnlySpan<byte> v, out T value) =>
        words.TryGet(v, out value) ? null : BadValue(key, v, words.Choices);

    /// <summary>A '|'-separated set of flag words.</summary>
    private static RowError? Set<T>(AsciiLookup<T> words, ArgKeys key, ReadOnlySpan<byte> v, out T value)
        where T : unmanaged, Enum
    {
        // Both flag enums are one byte: combine as bytes, no boxing.
        byte bits = 0;
        foreach (var range in v.Split((byte)'|'))
        {
            if (!words.TryGet(v[range], out var one))
            {
                value = default;
                return BadValue(key, v, "a |-separated set of " + words.Choices);
            }

            bits |= Unsafe.BitCast<T, byte>(one);
        }

        value = Unsafe.BitCast<byte, T>(bits);
        return null;
    }

    private static ArgKeys Lowest(ArgKeys keys) => (ArgKeys)((uint)keys & (~(uint)keys + 1));

    private static RowError Bad(string reason) => new("args", reason);

    private static RowError BadValue(ArgKeys key, ReadOnlySpan<byte> v, string expected) =>
        Bad($"bad value '{Encoding.UTF8.GetString(v)}' for {ArgKeyNames.Name(key)}= (expected {expected})");
}
