using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Accounting of one ftrace file. Every physical line lands in exactly one bucket:
/// <c>LinesRead = HeaderLines + LostEventLines + MalformedLines + EventLines</c>, and, by outcome,
/// <c>LinesRead = MalformedLines + IgnoredLines + (lines that emitted at least one op)</c>. Every event line in exactly one
/// outcome: an op (<see cref="EventsEmitted"/> counts ops; a vfork child's exec yields two), a syscall entry waiting for
/// its exit, a marker, ignored by design (by name), unknown (by name), or dropped for a stated reason.
/// </summary>
public sealed class FtraceStats
{
    private readonly long[] _emittedByOp = new long[Enum.GetValues<OpCode>().Length];
    private readonly List<FtraceMalformedLine> _malformed = [];
    private readonly Dictionary<string, long> _dropped = new(StringComparer.Ordinal);
    private readonly int _maxMalformedKept;

    internal FtraceStats(string source, int maxMalformedKept)
    {
        Source = source;
        _maxMalformedKept = maxMalformedKept;
    }

    /// <summary>File name used in messages (<c>file:line: reason</c>).</summary>
    public string Source { get; }

    /// <summary>Which tool rendered the file, from its first lines.</summary>
    public FtraceFlavor Flavor { get; internal set; }

    public long LinesRead { get; internal set; }

    /// <summary>Comments, headers, blank lines, <c>cpus=</c>, <c>CPU n is empty</c>.</summary>
    public long HeaderLines { get; internal set; }

    /// <summary>Lines announcing lost events: the ring buffer overran and the trace has a gap there.</summary>
    public long LostEventLines { get; internal set; }

    public long MalformedLines { get; internal set; }

    /// <summary>Lines with a readable prefix and event name (known or not).</summary>
    public long EventLines { get; internal set; }

    /// <summary>Lines that produced no op and were not malformed: headers, lost-event notes, markers, syscall entries,
    /// events ignored by design, unknown or dropped.</summary>
    public long IgnoredLines { get; internal set; }

    /// <summary>Trace events produced.</summary>
    public long EventsEmitted { get; internal set; }

    /// <summary>Syscall entries kept until their exit (the exit decides whether an op is emitted).</summary>
    public long SyscallEntries { get; internal set; }

    public long MarkerLines { get; internal set; }

    public ulong FirstTimeNs { get; internal set; }

    public ulong LastTimeNs { get; internal set; }

    /// <summary>Known events read and ignored by design (mmap_lock, ipi, syscalls without a model op), by event name.</summary>
    public IReadOnlyDictionary<string, long> IgnoredByName => Ignored.ToDictionary();

    /// <summary>Events this reader does not know, by name (counted, never fatal).</summary>
    public IReadOnlyDictionary<string, long> UnknownByName => Unknown.ToDictionary();

    /// <summary>Known events that produced no op, by reason (failed syscall, thread creation, exit without entry, ...).</summary>
    public IReadOnlyDictionary<string, long> DroppedByReason => _dropped;

    /// <summary>The first malformed lines (up to the configured cap); <see cref="MalformedLines"/> has the total.</summary>
    public IReadOnlyList<FtraceMalformedLine> Malformed => _malformed;

    public long IgnoredEvents => Ignored.Total;

    public long UnknownEvents => Unknown.Total;

    public long DroppedEvents
    {
        get
        {
            long total = 0;
            foreach (var count in _dropped.Values)
            {
                total += count;
            }

            return total;
        }
    }

    internal Utf8NameCounter Ignored { get; } = new();

    internal Utf8NameCounter Unknown { get; } = new();

    /// <summary>How many ops of one kind were emitted.</summary>
    public long Emitted(OpCode op) => _emittedByOp[(int)op];

    internal void CountEmitted(OpCode op)
    {
        _emittedByOp[(int)op]++;
        EventsEmitted++;
    }

    internal void Drop(string reason) => CollectionsMarshal.GetValueRefOrAddDefault(_dropped, reason, out _)++;

    internal void Drop(string reason, long times)
    {
        if (times > 0)
        {
            CollectionsMarshal.GetValueRefOrAddDefault(_dropped, reason, out _) += times;
        }
    }

    internal void AddMalformed(long line, string reason, ReadOnlySpan<byte> text)
    {
        MalformedLines++;
        if (_malformed.Count < _maxMalformedKept)
        {
            const int Shown = 200;
            var shown = Encoding.UTF8.GetString(text.Length > Shown ? text[..Shown] : text);
            _malformed.Add(new FtraceMalformedLine(Source, line, reason, shown));
        }
    }

    /// <summary>A human-readable report for stderr or a log.</summary>
    public string Summary()
    {
        var b = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        b.AppendLine(c, $"{Source}: {Flavor}, {LinesRead} lines: {EventLines} events, {HeaderLines} header, {MalformedLines} malformed, {LostEventLines} lost-event notes");
        b.AppendLine(c, $"  ops emitted {EventsEmitted}, syscall entries {SyscallEntries}, markers {MarkerLines}, ignored {IgnoredEvents}, unknown {UnknownEvents}, dropped {DroppedEvents}");
        foreach (var op in Enum.GetValues<OpCode>())
        {
            if (Emitted(op) > 0)
            {
                b.AppendLine(c, $"  op {op}: {Emitted(op)}");
            }
        }

        AppendCounts(b, "ignored", IgnoredByName);
        AppendCounts(b, "unknown", UnknownByName);
        AppendCounts(b, "dropped", new SortedDictionary<string, long>(_dropped, StringComparer.Ordinal));
        foreach (var m in _malformed)
        {
            b.AppendLine(c, $"  {m}");
        }

        if (MalformedLines > _malformed.Count)
        {
            b.AppendLine(c, $"  ... and {MalformedLines - _malformed.Count} more malformed lines");
        }

        return b.ToString();
    }

    private static void AppendCounts(StringBuilder b, string what, IReadOnlyDictionary<string, long> counts)
    {
        foreach (var (name, count) in counts)
        {
            b.AppendLine(CultureInfo.InvariantCulture, $"  {what} {name}: {count}");
        }
    }
}
