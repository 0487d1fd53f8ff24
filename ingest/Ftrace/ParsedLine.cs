using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// A line parsed on a worker thread, kept in a plain array until the mapping thread takes it in order. Holds what the
/// mapper reads of an <see cref="FtraceRecord"/> in 64 bytes (the record is ~200): the mapping thread streams these
/// arrays from other cores' caches, so every byte is memory traffic. The fields of each event kind share one payload
/// (a kind sets only its own; see the record), spans are offsets into the chunk, syscall arguments sit in the chunk's
/// side array and a malformed line's reason in the chunk's reason list. The comm and body are not kept: only the
/// parser reads them.
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal struct ParsedLine
{
    public int Start;
    public int Length;
    public int Index;
    private int _tid, _tgid, _cpu;
    private int _nameStart, _nameLength;
    private ulong _timeNs;

    /// <summary>Address (faults), pages (tlb_flush), return value (syscall exits), text offset and length (markers).</summary>
    private ulong _word;

    /// <summary>Error code (faults), reason (tlb_flush), argument count (syscall entries), pid (sched).</summary>
    private int _first;

    /// <summary>First argument's place in the chunk's side array (syscall entries), other pid (sched).</summary>
    private int _second;

    /// <summary>group_dead (sched_process_exit).</summary>
    private sbyte _third;
    private bool _addressIsNumeric;
    private FtraceEventKind _kind;
    private SyscallKind _syscall;
    public FtraceLineKind LineKind;

    /// <summary>A malformed line's place in the chunk's reason list (the other kinds carry no reason).</summary>
    public readonly int ReasonIndex => _first;

    /// <summary>Keeps a line that is not an event; <paramref name="reasonIndex"/> places a malformed line's reason.</summary>
    public void StoreOther(int start, int length, int index, FtraceLineKind kind, int reasonIndex)
    {
        Start = start;
        Length = length;
        Index = index;
        LineKind = kind;
        _first = reasonIndex;
    }

    /// <summary>
    /// Keeps the event line at [start, start+length) of <paramref name="chunk"/>, the block's line number
    /// <paramref name="index"/> (from 0); a syscall entry's arguments start at <paramref name="argsStart"/> of the side array.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void StoreEvent(ReadOnlySpan<byte> chunk, int start, int length, int index, ref FtraceRecord record, int argsStart)
    {
        Start = start;
        Length = length;
        Index = index;
        LineKind = FtraceLineKind.Event;
        _nameStart = OffsetOf(chunk, record.Name);
        _nameLength = record.Name.Length;
        _tid = record.Tid;
        _tgid = record.Tgid;
        _cpu = record.Cpu;
        _timeNs = record.TimeNs;
        _kind = record.Kind;
        _syscall = record.Syscall;
        switch (record.Kind)
        {
            case FtraceEventKind.PageFaultUser:
            case FtraceEventKind.PageFaultKernel:
                _word = record.Address;
                _first = unchecked((int)record.ErrorCode);
                _addressIsNumeric = record.AddressIsNumeric;
                break;
            case FtraceEventKind.TlbFlush:
                _word = unchecked((ulong)record.TlbPages);
                _first = record.TlbReason;
                break;
            case FtraceEventKind.SyscallEnter:
                _first = record.ArgCount;
                _second = argsStart;
                break;
            case FtraceEventKind.SyscallExit:
                _word = unchecked((ulong)record.Ret);
                break;
            case FtraceEventKind.SchedProcessFork:
            case FtraceEventKind.SchedProcessExit:
            case FtraceEventKind.SchedProcessExec:
                _first = record.EventPid;
                _second = record.OtherPid;
                _third = (sbyte)record.GroupDead;
                break;
            case FtraceEventKind.Marker:
                _word = ((ulong)(uint)OffsetOf(chunk, record.Text) << 32) | (uint)record.Text.Length;
                break;
        }
    }

    /// <summary>The record again (what the mapper reads), its spans pointing into <paramref name="chunk"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Load(ReadOnlySpan<byte> chunk, ReadOnlySpan<ulong> args, ref FtraceRecord record)
    {
        record = default;
        record.Name = chunk.Slice(_nameStart, _nameLength);
        record.Tid = _tid;
        record.Tgid = _tgid;
        record.Cpu = _cpu;
        record.TimeNs = _timeNs;
        record.Kind = _kind;
        record.Syscall = _syscall;
        switch (_kind)
        {
            case FtraceEventKind.PageFaultUser:
            case FtraceEventKind.PageFaultKernel:
                record.Address = _word;
                record.ErrorCode = unchecked((uint)_first);
                record.AddressIsNumeric = _addressIsNumeric;
                break;
            case FtraceEventKind.TlbFlush:
                record.TlbPages = unchecked((long)_word);
                record.TlbReason = _first;
                break;
            case FtraceEventKind.SyscallEnter:
                record.ArgCount = _first;
                args.Slice(_second, _first).CopyTo(record.Args);
                break;
            case FtraceEventKind.SyscallExit:
                record.Ret = unchecked((long)_word);
                break;
            case FtraceEventKind.SchedProcessFork:
            case FtraceEventKind.SchedProcessExit:
            case FtraceEventKind.SchedProcessExec:
                record.EventPid = _first;
                record.OtherPid = _second;
                record.GroupDead = _third;
                break;
            case FtraceEventKind.Marker:
                record.Text = chunk.Slice((int)(_word >> 32), (int)(uint)_word);
                break;
        }
    }

    private static int OffsetOf(ReadOnlySpan<byte> chunk, ReadOnlySpan<byte> part) =>
        part.IsEmpty ? 0 : (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(chunk), ref MemoryMarshal.GetReference(part));
}
