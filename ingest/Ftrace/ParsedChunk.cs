using System.Buffers;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// A block of whole lines and, once a worker has parsed it, one <see cref="ParsedLine"/> per line the mapping thread
/// must see. Lines whose only effect is a count (see <see cref="IsTallied"/>) are counted here instead, so the mapping
/// thread does not store, reload and dispatch them one by one.
/// </summary>
internal sealed class ParsedChunk
{
    public ParsedChunk(byte[] data, int length)
    {
        Data = data;
        Length = length;
        Lines = [];
    }

    /// <summary>Pooled bytes; [0, Length) holds whole lines (the last one may lack its newline at the end of input).</summary>
    public byte[] Data { get; private set; }

    public int Length { get; }

    public ParsedLine[] Lines { get; private set; }

    /// <summary>Syscall entries' arguments, side by side (a line keeps where its own start): most lines have none.</summary>
    public ulong[] Args { get; private set; } = [];

    private int _argCount;

    /// <summary>Malformed lines' reasons (constant strings; a line keeps its place): null until the block has one.</summary>
    private List<string>? _reasons;

    /// <summary>Why a kept malformed line is malformed.</summary>
    public string ReasonOf(in ParsedLine line) => _reasons![line.ReasonIndex];

    /// <summary>Lines kept for the mapping thread (parsed chunks).</summary>
    public int Count { get; private set; }

    /// <summary>Every line of the block, kept or tallied (parsed chunks).</summary>
    public int LineCount { get; private set; }

    /// <summary>Event lines counted here, not kept: each is an event line and an ignored line.</summary>
    public long TalliedEvents { get; private set; }

    /// <summary>Of those, <c>print</c> events that are not markers (a drop reason each).</summary>
    public long TalliedPrints { get; private set; }

    /// <summary>Of those, by event name: ignored by design (mmap_lock, ipi) and unknown.</summary>
    public Utf8NameCounter TalliedIgnored { get; } = new();

    public Utf8NameCounter TalliedUnknown { get; } = new();

    /// <summary>Timestamp of the block's last event line, kept or tallied; 0 lines means no event line.</summary>
    public ulong LastEventTimeNs { get; private set; }

    public bool HasEvents { get; private set; }

    /// <summary>Index of the next line the mapping thread takes (parsed chunks).</summary>
    public int Next { get; set; }

    /// <summary>Byte offset of the next line (chunks the mapping thread parses itself, without the line array).</summary>
    public int Offset { get; set; }

    public bool IsParsed { get; private set; }

    public bool IsExhausted => IsParsed ? Next == Count : Offset >= Length;

    /// <summary>Splits and parses every line (runs on a worker; touches nothing shared).</summary>
    public ParsedChunk Parse()
    {
        var text = Data.AsSpan(0, Length);
        // ~130 bytes a line in practice; the array grows when lines are shorter.
        Lines = ArrayPool<ParsedLine>.Shared.Rent((Length / 64) + 16);
        Args = ArrayPool<ulong>.Shared.Rent(256);
        var record = default(FtraceRecord);
        var sawEvent = false;
        var sawKnownEvent = false;
        var start = 0;
        var index = 0;
        while (start < text.Length)
        {
            var nl = text[start..].IndexOf((byte)'\n');
            var length = nl < 0 ? text.Length - start : nl;
            var kind = FtraceTextReader.ParseLine(text.Slice(start, length), ref record, out var reason);
            if (kind == FtraceLineKind.Event)
            {
                HasEvents = true;
                LastEventTimeNs = record.TimeNs;
            }

            // The first event line and the first known one set the first timestamp and the flavour: always kept.
            if (kind == FtraceLineKind.Event && sawEvent && (sawKnownEvent || record.Kind == FtraceEventKind.Unknown)
                && IsTallied(ref record))
            {
                Tally(ref record);
            }
            else
            {
                sawEvent |= kind == FtraceLineKind.Event;
                sawKnownEvent |= kind == FtraceLineKind.Event && record.Kind != FtraceEventKind.Unknown;
                Keep(text, start, length, index, kind, reason, ref record);
            }

            start += length + 1;
            index++;
        }

        LineCount = index;
        IsParsed = true;
        return this;
    }

    public void Release()
    {
        ArrayPool<byte>.Shared.Return(Data);
        if (IsParsed)
        {
            // Not cleared: the only reference a line holds is a constant reason string, and a megabyte per block counts.
            ArrayPool<ParsedLine>.Shared.Return(Lines);
            ArrayPool<ulong>.Shared.Return(Args);
        }

        Data = [];
        Lines = [];
        Args = [];
    }

    /// <summary>
    /// Events whose whole effect on the reader is a count, whatever came before: ignored by design, unknown, and
    /// <c>print</c> lines that are not markers (see <see cref="FtraceMapper.Map"/>). A record-tgid column teaches the
    /// mapper a task's thread group, so such lines are kept.
    /// </summary>
    private static bool IsTallied(ref FtraceRecord r) =>
        r.Tgid <= 0 && r.Kind is FtraceEventKind.MmapLock or FtraceEventKind.Ipi or FtraceEventKind.Unknown or FtraceEventKind.Print;

    private void Tally(ref FtraceRecord r)
    {
        TalliedEvents++;
        switch (r.Kind)
        {
            case FtraceEventKind.Print:
                TalliedPrints++;
                break;
            case FtraceEventKind.Unknown:
                TalliedUnknown.Add(r.Name);
                break;
            default:
                TalliedIgnored.Add(r.Name);
                break;
        }
    }

    private void Keep(ReadOnlySpan<byte> text, int start, int length, int index, FtraceLineKind kind, string reason, ref FtraceRecord record)
    {
        if (Count == Lines.Length)
        {
            Lines = Grow(Lines, Count);
        }

        ref var line = ref Lines[Count++];
        if (kind != FtraceLineKind.Event)
        {
            if (kind == FtraceLineKind.Malformed)
            {
                _reasons ??= [];
                _reasons.Add(reason);
            }

            line.StoreOther(start, length, index, kind, (_reasons?.Count ?? 0) - 1);
            return;
        }

        var argsStart = _argCount;
        if (record.Kind == FtraceEventKind.SyscallEnter)
        {
            if (_argCount + SyscallArgs.Capacity > Args.Length)
            {
                Args = Grow(Args, _argCount);
            }

            ReadOnlySpan<ulong> args = record.Args;
            args[..record.ArgCount].CopyTo(Args.AsSpan(_argCount));
            _argCount += record.ArgCount;
        }

        line.StoreEvent(text, start, length, index, ref record, argsStart);
    }

    private static T[] Grow<T>(T[] array, int used)
    {
        var bigger = ArrayPool<T>.Shared.Rent(array.Length * 2);
        array.AsSpan(0, used).CopyTo(bigger);
        ArrayPool<T>.Shared.Return(array);
        return bigger;
    }
}
