namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// A line parsed on a worker thread, kept in a plain array until the mapping thread takes it in order. Holds what
/// <see cref="FtraceRecord"/> holds, with its spans as offsets into the chunk (a ref struct cannot be stored).
/// </summary>
internal struct ParsedLine
{
    public int Start;
    public int Length;
    public int Index;
    public FtraceLineKind LineKind;
    /// <summary>Why the line is malformed; stale (from the pooled array's last use) on other lines.</summary>
    public string Reason;
    private int _commStart, _commLength, _nameStart, _nameLength, _bodyStart, _bodyLength, _textStart, _textLength;
    private int _tid, _tgid, _cpu, _argCount, _tlbReason, _eventPid, _otherPid, _groupDead;
    private ulong _timeNs, _address;
    private long _tlbPages, _ret;
    private uint _errorCode;
    private bool _addressIsNumeric;
    private FtraceEventKind _kind;
    private SyscallKind _syscall;
    private SyscallArgs _args;

    /// <summary>Keeps the line at [start, start+length) of <paramref name="chunk"/>, the block's line number <paramref name="index"/> (from 0).</summary>
    public void Store(ReadOnlySpan<byte> chunk, int start, int length, int index, FtraceLineKind kind, string reason, ref FtraceRecord record)
    {
        Start = start;
        Length = length;
        Index = index;
        LineKind = kind;
        if (LineKind != FtraceLineKind.Event)
        {
            // Only here: storing a reference costs a GC write barrier, and only malformed lines have a reason.
            Reason = reason;
            return;
        }

        (_commStart, _commLength) = OffsetOf(chunk, record.Comm);
        (_nameStart, _nameLength) = OffsetOf(chunk, record.Name);
        (_bodyStart, _bodyLength) = OffsetOf(chunk, record.Body);
        (_textStart, _textLength) = OffsetOf(chunk, record.Text);
        _tid = record.Tid;
        _tgid = record.Tgid;
        _cpu = record.Cpu;
        _timeNs = record.TimeNs;
        _kind = record.Kind;
        _address = record.Address;
        _addressIsNumeric = record.AddressIsNumeric;
        _errorCode = record.ErrorCode;
        _tlbPages = record.TlbPages;
        _tlbReason = record.TlbReason;
        _syscall = record.Syscall;
        _args = record.Args;
        _argCount = record.ArgCount;
        _ret = record.Ret;
        _eventPid = record.EventPid;
        _otherPid = record.OtherPid;
        _groupDead = record.GroupDead;
    }

    /// <summary>The record again, its spans pointing into <paramref name="chunk"/>.</summary>
    public readonly void Load(ReadOnlySpan<byte> chunk, ref FtraceRecord record)
    {
        record = default;
        record.Comm = chunk.Slice(_commStart, _commLength);
        record.Name = chunk.Slice(_nameStart, _nameLength);
        record.Body = chunk.Slice(_bodyStart, _bodyLength);
        record.Text = chunk.Slice(_textStart, _textLength);
        record.Tid = _tid;
        record.Tgid = _tgid;
        record.Cpu = _cpu;
        record.TimeNs = _timeNs;
        record.Kind = _kind;
        record.Address = _address;
        record.AddressIsNumeric = _addressIsNumeric;
        record.ErrorCode = _errorCode;
        record.TlbPages = _tlbPages;
        record.TlbReason = _tlbReason;
        record.Syscall = _syscall;
        record.Args = _args;
        record.ArgCount = _argCount;
        record.Ret = _ret;
        record.EventPid = _eventPid;
        record.OtherPid = _otherPid;
        record.GroupDead = _groupDead;
    }

    private static (int Start, int Length) OffsetOf(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> part) =>
        part.IsEmpty ? (0, 0) : ((int)System.Runtime.CompilerServices.Unsafe.ByteOffset(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(chunk),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(part)), part.Length);
}
