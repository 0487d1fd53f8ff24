using System.Buffers;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Line parser for ftrace text as tracefs (<c>trace</c>, <c>trace_pipe</c>) and <c>trace-cmd report</c> print it.
/// One grammar covers both tools, so a file is never misread because detection guessed wrong:
/// <code>
///  COMM-TID [(TGID)] [CPU] [FLAGS] SECONDS.FRACTION: NAME: BODY      (NAME padded with spaces by trace-cmd)
///  COMM-TID ... sys_NAME(arg: v, ...)  |  sys_NAME -> ret            (tracefs syscalls)
///  COMM-TID ... sys_enter_NAME: arg: v, ...  |  sys_exit_NAME: ret   (trace-cmd syscalls)
/// </code>
/// The task is split on the last <c>-</c> before the <c>[cpu]</c> column because names may hold spaces and dashes.
/// Failure reasons are constant strings: parsing allocates nothing.
/// </summary>
public static partial class FtraceTextReader
{
    /// <summary>True when <paramref name="head"/> (the first few KB of a file) looks like ftrace text of either tool.</summary>
    public static bool Sniff(ReadOnlySpan<byte> head) => Detect(head) != FtraceFlavor.Unknown;

    /// <summary>
    /// Which tool rendered the text: tracefs has a <c># tracer:</c> header or a flags column after <c>[cpu]</c>;
    /// trace-cmd report starts with <c>cpus=N</c> (or <c>version = N</c>) and has no flags column.
    /// </summary>
    public static FtraceFlavor Detect(ReadOnlySpan<byte> head)
    {
        var lines = 0;
        while (!head.IsEmpty && lines++ < 64)
        {
            var nl = head.IndexOf((byte)'\n');
            var line = nl < 0 ? head : head[..nl];
            head = nl < 0 ? default : head[(nl + 1)..];
            if (nl < 0 && !head.IsEmpty)
            {
                break;
            }

            var t = line.Trim(" \t\r"u8);
            if (t.StartsWith("# tracer:"u8))
            {
                return FtraceFlavor.Tracefs;
            }

            if (t.StartsWith("cpus="u8) || t.StartsWith("version ="u8) || t.StartsWith("version="u8))
            {
                return FtraceFlavor.TraceCmdReport;
            }

            var record = default(FtraceRecord);
            if (ParseLine(line, ref record, out _) == FtraceLineKind.Event && record.Kind != FtraceEventKind.Unknown)
            {
                return HasFlagsColumn(line) ? FtraceFlavor.Tracefs : FtraceFlavor.TraceCmdReport;
            }
        }

        return FtraceFlavor.Unknown;
    }

    /// <summary>
    /// Parse one line (without its newline) into <paramref name="record"/>, which is reset first. On
    /// <see cref="FtraceLineKind.Malformed"/>, <paramref name="reason"/> says which field is wrong.
    /// </summary>
    public static FtraceLineKind ParseLine(ReadOnlySpan<byte> line, ref FtraceRecord record, out string reason)
    {
        record = default;
        reason = "";
        var t = TrimWhitespace(line);
        if (t.IsEmpty)
        {
            return FtraceLineKind.Header;
        }

        // Event lines start with a task name; the few non-event shapes are told apart by their first byte.
        switch (t[0])
        {
            case (byte)'#':
                return FtraceLineKind.Header;
            case (byte)'c' when t.StartsWith("cpus="u8):
            case (byte)'v' when t.StartsWith("version ="u8):
            case (byte)'C' when t.StartsWith("CPU "u8) && t.EndsWith(" is empty"u8):
                return FtraceLineKind.Header;
            case (byte)'C' when t.StartsWith("CPU"u8) && t.IndexOf("[LOST "u8) >= 0:
                return FtraceLineKind.LostEvents;
        }

        // The steps hand on offsets, not spans through memory: a span written by one call and read by the next stalled
        // on every line (its length stored as 4 bytes, reloaded as 8, which the CPU cannot forward).
        var time = PrefixLength(t, ref record);
        if (time < 0)
        {
            reason = "no COMM-PID [CPU] prefix";
            return FtraceLineKind.Malformed;
        }

        var timeLength = TimeLength(t[time..], ref record);
        if (timeLength < 0)
        {
            reason = "bad or missing timestamp";
            return FtraceLineKind.Malformed;
        }

        var error = ParseEvent(t[(time + timeLength)..], ref record);
        if (error is not null)
        {
            reason = error;
            return FtraceLineKind.Malformed;
        }

        return FtraceLineKind.Event;
    }

    /// <summary>
    /// Finds <c>COMM-TID [(TGID)] [CPU]</c>, the first <c>[digits]</c> preceded by <c>-digits</c>: its length, or -1.
    /// </summary>
    private static int PrefixLength(ReadOnlySpan<byte> t, scoped ref FtraceRecord r)
    {
        var from = 0;
        while (from < t.Length)
        {
            var rel = ShortSearch.IndexOf(t[from..], (byte)'[');
            if (rel < 0)
            {
                return -1;
            }

            var open = from + rel;
            var close = open + 1;
            var cpu = 0;
            while (close < t.Length && IsDigit(t[close]))
            {
                // Wraps past nine digits; such a column is re-read by the checked parser below.
                cpu = unchecked((cpu * 10) + (t[close++] - '0'));
            }

            var digits = close - open - 1;
            if (digits > 0 && close < t.Length && t[close] == ']'
                && (digits <= 9 || Utf8Number.TryParseInt(t[(open + 1)..close], out cpu))
                && TryParseTask(t[..open], ref r))
            {
                r.Cpu = cpu;
                return close + 1;
            }

            from = open + 1;
        }

        return -1;
    }

    private static bool TryParseTask(ReadOnlySpan<byte> head, scoped ref FtraceRecord r)
    {
        var end = head.Length;
        while (end > 0 && head[end - 1] == ' ')
        {
            end--;
        }

        r.Tgid = -1;
        if (end > 0 && head[end - 1] == ')')
        {
            // record-tgid option: "comm-tid (  tgid)" or "(-------)" when unknown.
            var open = head[..end].LastIndexOf((byte)'(');
            if (open < 0)
            {
                return false;
            }

            var inside = head[(open + 1)..(end - 1)].Trim((byte)' ');
            if (inside.IndexOfAnyExcept((byte)'-') >= 0 && !Utf8Number.TryParseInt(inside, out r.Tgid))
            {
                return false;
            }

            end = open;
            while (end > 0 && head[end - 1] == ' ')
            {
                end--;
            }
        }

        // The tid: the digits right before the end, read backwards (nine digits always fit an int).
        var p = end;
        var tid = 0;
        var scale = 1;
        while (p > 0 && IsDigit(head[p - 1]))
        {
            p--;
            if (end - p <= 9)
            {
                tid += (head[p] - '0') * scale;
                scale = unchecked(scale * 10);
            }
        }

        if (p == end || p == 0 || head[p - 1] != '-' || (end - p > 9 && !Utf8Number.TryParseInt(head[p..end], out tid)))
        {
            return false;
        }

        r.Tid = tid;
        r.Comm = head[..(p - 1)].TrimStart((byte)' ');
        return true;
    }

    /// <summary>
    /// Skips the optional flags column (<c>d..3.</c>, <c>d..3</c>) and reads <c>SECONDS.FRACTION:</c>: the length of
    /// both with their spaces, or -1.
    /// </summary>
    private static int TimeLength(ReadOnlySpan<byte> s, scoped ref FtraceRecord r)
    {
        var i = 0;
        for (var column = 0; column < 2; column++)
        {
            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }

            if (i < s.Length && IsDigit(s[i]))
            {
                var used = StampLength(s[i..], ref r.TimeNs);
                if (used > 0)
                {
                    return i + used;
                }
            }

            // Not a stamp: a flags column (a few bytes), skipped up to its space.
            while (i < s.Length && s[i] != ' ')
            {
                i++;
            }

            if (i == s.Length)
            {
                return -1;
            }

            i++;
        }

        return -1;
    }

    /// <summary>
    /// <c>SECONDS[.FRACTION]:</c> followed by a space or the end, in one pass (the fraction has 1 to 9 digits and is
    /// scaled to ns; without a fraction the integer is a raw clock value): its length with the space, or -1.
    /// </summary>
    private static int StampLength(ReadOnlySpan<byte> s, ref ulong ns)
    {
        // The usual shape (tracefs prints "%5lu.%06lu: "): both numbers read 8 bytes at a time, no loop.
        if (Utf8Number.TryReadShortDecimal(s, out var wholeDigits, out var whole) && wholeDigits > 0
            && s[wholeDigits] == '.'
            && Utf8Number.TryReadShortDecimal(s[(wholeDigits + 1)..], out var partDigits, out var part) && partDigits > 0)
        {
            var end = wholeDigits + 1 + partDigits;
            if (end + 1 < s.Length && s[end] == ':' && s[end + 1] == ' ')
            {
                ns = (whole * 1_000_000_000UL) + (part * FractionScale[partDigits]);
                return end + 2;
            }
        }

        ns = 0;
        ulong seconds = 0;
        var i = 0;
        var limit = Math.Min(s.Length, 18);
        while (i < limit && IsDigit(s[i]))
        {
            seconds = (seconds * 10) + (ulong)(s[i++] - '0');
        }

        if (i == 18 && i < s.Length && IsDigit(s[i]))
        {
            return -1;
        }

        ulong fraction = 0;
        var dot = i < s.Length && s[i] == '.';
        if (dot)
        {
            var first = ++i;
            limit = Math.Min(s.Length, first + 9);
            while (i < limit && IsDigit(s[i]))
            {
                fraction = (fraction * 10) + (ulong)(s[i++] - '0');
            }

            if (i == first || (i < s.Length && IsDigit(s[i])))
            {
                return -1;
            }

            fraction *= FractionScale[i - first];
        }

        if (i >= s.Length || s[i] != ':' || (i + 1 < s.Length && s[i + 1] != ' '))
        {
            return -1;
        }

        ns = dot ? (seconds * 1_000_000_000UL) + fraction : seconds;
        return Math.Min(i + 2, s.Length);
    }

    /// <summary>Nanoseconds per unit of a fraction with that many digits.</summary>
    private static ReadOnlySpan<ulong> FractionScale => [0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1];

    private static int SkipSpaces(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && s[i] == ' ')
        {
            i++;
        }

        return i;
    }

    private static bool HasFlagsColumn(ReadOnlySpan<byte> line)
    {
        var close = line.IndexOf((byte)']');
        if (close < 0)
        {
            return false;
        }

        var rest = line[(close + 1)..].TrimStart((byte)' ');
        return !rest.IsEmpty && !IsDigit(rest[0]);
    }

    /// <summary>Splits <c>NAME: BODY</c> (or a tracefs syscall) and parses the body of the events the reader knows.</summary>
    private static string? ParseEvent(ReadOnlySpan<byte> rest, scoped ref FtraceRecord r)
    {
        rest = rest[SkipSpaces(rest)..];
        // One vectorised pass over the name (~20 bytes): a byte loop with three range tests per byte cost more.
        var n = ShortSearch.NameLength(rest, NameBytes);
        if (n == 0)
        {
            return "no event name";
        }

        var name = rest[..n];
        r.Name = name;
        var after = rest[n..];
        if (!after.IsEmpty && after[0] == ':')
        {
            // The common shape (every event of trace-cmd, all but syscalls in tracefs) first.
            r.Body = after[1..].TrimStart((byte)' ');
            return ParseBody(name, ref r);
        }

        if (!after.IsEmpty && after[0] == '(' && name.StartsWith("sys_"u8))
        {
            // tracefs syscall entry: sys_mmap(addr: 0, len: 0x1000, ...)
            if (after[^1] != ')')
            {
                return "syscall entry cut: no closing parenthesis";
            }

            r.Kind = FtraceEventKind.SyscallEnter;
            r.Body = after[1..^1];
            return ParseSyscallEnter(name[4..], ref r);
        }

        var trimmed = after.TrimStart((byte)' ');
        if (trimmed.StartsWith("->"u8) && name.StartsWith("sys_"u8))
        {
            // tracefs syscall exit: sys_mmap -> 0x7f...
            r.Kind = FtraceEventKind.SyscallExit;
            r.Body = trimmed[2..].TrimStart((byte)' ');
            return ParseSyscallExit(name[4..], ref r);
        }

        return "no ':' after event name";
    }

    /// <summary>Drops leading blanks and trailing blanks, CR and LF (cheaper than the general Trim over a set).</summary>
    private static ReadOnlySpan<byte> TrimWhitespace(ReadOnlySpan<byte> line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] <= ' ')
        {
            end--;
        }

        var start = 0;
        while (start < end && (line[start] == ' ' || line[start] == '\t'))
        {
            start++;
        }

        return line[start..end];
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    /// <summary>Event name bytes: <c>[0-9A-Za-z_]</c>.</summary>
    private static readonly SearchValues<byte> NameBytes =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"u8);
}
