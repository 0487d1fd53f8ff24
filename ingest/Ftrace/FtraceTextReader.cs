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
public static class FtraceTextReader
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

        ReadOnlySpan<byte> rest;
        if (!TryParsePrefix(t, ref record, out rest))
        {
            reason = "no COMM-PID [CPU] prefix";
            return FtraceLineKind.Malformed;
        }

        if (!TryParseTime(ref rest, ref record))
        {
            reason = "bad or missing timestamp";
            return FtraceLineKind.Malformed;
        }

        var error = ParseEvent(rest, ref record);
        if (error is not null)
        {
            reason = error;
            return FtraceLineKind.Malformed;
        }

        return FtraceLineKind.Event;
    }

    /// <summary>Finds <c>COMM-TID [(TGID)] [CPU]</c>: the first <c>[digits]</c> preceded by <c>-digits</c>.</summary>
    private static bool TryParsePrefix(ReadOnlySpan<byte> t, scoped ref FtraceRecord r, out ReadOnlySpan<byte> rest)
    {
        rest = default;
        var from = 0;
        while (from < t.Length)
        {
            var rel = t[from..].IndexOf((byte)'[');
            if (rel < 0)
            {
                return false;
            }

            var open = from + rel;
            var close = open + 1;
            while (close < t.Length && IsDigit(t[close]))
            {
                close++;
            }

            if (close > open + 1 && close < t.Length && t[close] == ']'
                && Utf8Number.TryParseInt(t[(open + 1)..close], out r.Cpu)
                && TryParseTask(t[..open], ref r))
            {
                rest = t[(close + 1)..];
                return true;
            }

            from = open + 1;
        }

        return false;
    }

    private static bool TryParseTask(ReadOnlySpan<byte> head, scoped ref FtraceRecord r)
    {
        head = head.TrimEnd((byte)' ');
        r.Tgid = -1;
        if (!head.IsEmpty && head[^1] == ')')
        {
            // record-tgid option: "comm-tid (  tgid)" or "(-------)" when unknown.
            var open = head.LastIndexOf((byte)'(');
            if (open < 0)
            {
                return false;
            }

            var inside = head[(open + 1)..^1].Trim((byte)' ');
            if (inside.IndexOfAnyExcept((byte)'-') >= 0 && !Utf8Number.TryParseInt(inside, out r.Tgid))
            {
                return false;
            }

            head = head[..open].TrimEnd((byte)' ');
        }

        var p = head.Length;
        while (p > 0 && IsDigit(head[p - 1]))
        {
            p--;
        }

        if (p == head.Length || p == 0 || head[p - 1] != '-' || !Utf8Number.TryParseInt(head[p..], out r.Tid))
        {
            return false;
        }

        r.Comm = head[..(p - 1)].TrimStart((byte)' ');
        return true;
    }

    /// <summary>Skips the optional flags column (<c>d..3.</c>, <c>d..3</c>) and reads <c>SECONDS.FRACTION:</c>.</summary>
    private static bool TryParseTime(ref ReadOnlySpan<byte> rest, scoped ref FtraceRecord r)
    {
        for (var column = 0; column < 2; column++)
        {
            rest = rest[SkipSpaces(rest)..];
            if (!rest.IsEmpty && IsDigit(rest[0]) && TryParseStamp(rest, out r.TimeNs, out var used))
            {
                rest = rest[used..];
                return true;
            }

            var space = rest.IndexOf((byte)' ');
            if (space < 0)
            {
                return false;
            }

            rest = rest[(space + 1)..];
        }

        return false;
    }

    /// <summary>
    /// <c>SECONDS[.FRACTION]:</c> followed by a space or the end, in one pass (the fraction has 1 to 9 digits and is
    /// scaled to ns; without a fraction the integer is a raw clock value). <paramref name="used"/> includes the space.
    /// </summary>
    private static bool TryParseStamp(ReadOnlySpan<byte> s, out ulong ns, out int used)
    {
        ns = 0;
        used = 0;
        ulong seconds = 0;
        var i = 0;
        while (i < s.Length && IsDigit(s[i]))
        {
            if (i == 18)
            {
                return false;
            }

            seconds = (seconds * 10) + (ulong)(s[i++] - '0');
        }

        ulong fraction = 0;
        var digits = 0;
        var dot = i < s.Length && s[i] == '.';
        if (dot)
        {
            i++;
            while (i < s.Length && IsDigit(s[i]))
            {
                if (++digits > 9)
                {
                    return false;
                }

                fraction = (fraction * 10) + (ulong)(s[i++] - '0');
            }

            if (digits == 0)
            {
                return false;
            }
        }

        if (i >= s.Length || s[i] != ':' || (i + 1 < s.Length && s[i + 1] != ' '))
        {
            return false;
        }

        for (; dot && digits < 9; digits++)
        {
            fraction *= 10;
        }

        ns = dot ? (seconds * 1_000_000_000UL) + fraction : seconds;
        used = Math.Min(i + 2, s.Length);
        return true;
    }

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
        var n = rest.IndexOfAnyExcept(NameChars);
        if (n < 0)
        {
            n = rest.Length;
        }

        if (n == 0)
        {
            return "no event name";
        }

        var name = rest[..n];
        r.Name = name;
        var after = rest[n..];
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

        if (after.IsEmpty || after[0] != ':')
        {
            return "no ':' after event name";
        }

        r.Body = after[1..].TrimStart((byte)' ');
        return ParseBody(name, ref r);
    }

    private static string? ParseBody(ReadOnlySpan<byte> name, scoped ref FtraceRecord r)
    {
        if (name.SequenceEqual("page_fault_user"u8))
        {
            r.Kind = FtraceEventKind.PageFaultUser;
            return ParsePageFault(ref r);
        }

        if (name.StartsWith("mmap_lock_"u8))
        {
            r.Kind = FtraceEventKind.MmapLock;
            return null;
        }

        if (name.SequenceEqual("tlb_flush"u8))
        {
            r.Kind = FtraceEventKind.TlbFlush;
            return ParseTlbFlush(ref r);
        }

        if (name.StartsWith("sys_enter_"u8))
        {
            r.Kind = FtraceEventKind.SyscallEnter;
            return ParseSyscallEnter(name["sys_enter_".Length..], ref r);
        }

        if (name.StartsWith("sys_exit_"u8))
        {
            r.Kind = FtraceEventKind.SyscallExit;
            return ParseSyscallExit(name["sys_exit_".Length..], ref r);
        }

        if (name.SequenceEqual("tracing_mark_write"u8))
        {
            r.Kind = FtraceEventKind.Marker;
            r.Text = r.Body;
            return null;
        }

        if (name.SequenceEqual("print"u8))
        {
            return ParsePrint(ref r);
        }

        if (name.SequenceEqual("page_fault_kernel"u8))
        {
            r.Kind = FtraceEventKind.PageFaultKernel;
            return ParsePageFault(ref r);
        }

        if (name.StartsWith("ipi_"u8))
        {
            r.Kind = FtraceEventKind.Ipi;
            return null;
        }

        if (name.StartsWith("sched_process_"u8))
        {
            return ParseSched(name["sched_process_".Length..], ref r);
        }

        r.Kind = FtraceEventKind.Unknown;
        return null;
    }

    /// <summary><c>address=0x... ip=... error_code=0x6</c>; the address may print as a symbol for kernel addresses.</summary>
    private static string? ParsePageFault(scoped ref FtraceRecord r)
    {
        // Both tools print "address=A ip=I error_code=C": take the first and last fields directly, search otherwise.
        var body = r.Body;
        var firstSpace = body.IndexOf((byte)' ');
        var lastSpace = body.LastIndexOf((byte)' ');
        var address = body.StartsWith("address="u8) && firstSpace > 0 ? body["address=".Length..firstSpace] : Field(body, "address="u8);
        if (address.IsEmpty)
        {
            return "page fault: no address field";
        }

        var tail = lastSpace > 0 ? body[(lastSpace + 1)..] : default;
        var code = tail.StartsWith("error_code="u8) ? tail["error_code=".Length..] : Field(body, "error_code="u8);
        if (code.IsEmpty || !Utf8Number.TryParseHex(code, out var errorCode) || errorCode > uint.MaxValue)
        {
            return "page fault: bad or missing error_code";
        }

        r.ErrorCode = (uint)errorCode;
        r.AddressIsNumeric = Utf8Number.TryParseHex(address, out r.Address);
        if (!r.AddressIsNumeric && IsDigit(address[0]))
        {
            return "page fault: bad address";
        }

        return null;
    }

    /// <summary>
    /// <c>pages:N reason:TEXT (K)</c> (tracefs) or <c>pages=N reason=TEXT (K)</c> (trace-cmd, TEXT may be empty).
    /// The number K decides the reason: its text differs between kernels (case) and tools.
    /// </summary>
    private static string? ParseTlbFlush(scoped ref FtraceRecord r)
    {
        var b = r.Body;
        if (!b.StartsWith("pages"u8) || b.Length < 7 || (b[5] != ':' && b[5] != '='))
        {
            return "tlb_flush: no pages field";
        }

        var space = b.IndexOf((byte)' ');
        if (space < 0 || !Utf8Number.TryParseLong(b[6..space], out r.TlbPages))
        {
            return "tlb_flush: bad pages value";
        }

        var reason = b[(space + 1)..];
        if (!reason.StartsWith("reason"u8) || reason.Length < 7 || (reason[6] != ':' && reason[6] != '='))
        {
            return "tlb_flush: no reason field";
        }

        reason = reason[7..];
        if (reason.Length >= 3 && reason[^1] == ')')
        {
            var open = reason.LastIndexOf((byte)'(');
            if (open >= 0 && Utf8Number.TryParseInt(reason[(open + 1)..^1], out r.TlbReason) && r.TlbReason >= 0)
            {
                return null;
            }
        }

        r.TlbReason = ReasonFromText(reason);
        return r.TlbReason < 0 ? "tlb_flush: unreadable reason" : null;
    }

    /// <summary>Fallback when the <c>(N)</c> code is missing: the enum strings, any case (kernel-semantics 7.2).</summary>
    private static int ReasonFromText(ReadOnlySpan<byte> text)
    {
        ReadOnlySpan<string> names =
        [
            "flush on task switch", "remote shootdown", "local shootdown", "local mm shootdown", "remote ipi send",
            "remote wrong cpu",
        ];
        Span<char> lower = stackalloc char[32];
        var t = text.Trim((byte)' ');
        if (t.Length > lower.Length)
        {
            return -1;
        }

        for (var i = 0; i < t.Length; i++)
        {
            lower[i] = (char)(t[i] | (t[i] is >= (byte)'A' and <= (byte)'Z' ? 0x20 : 0));
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (lower[..t.Length].SequenceEqual(names[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>trace-cmd renders trace_marker writes as <c>print: tracing_mark_write: TEXT</c> (the ip symbol, then the text).</summary>
    private static string? ParsePrint(scoped ref FtraceRecord r)
    {
        r.Kind = FtraceEventKind.Print;
        var colon = r.Body.IndexOf(": "u8);
        if (colon > 0 && r.Body[..colon].SequenceEqual("tracing_mark_write"u8))
        {
            r.Kind = FtraceEventKind.Marker;
            r.Text = r.Body[(colon + 2)..];
        }

        return null;
    }

    /// <summary>
    /// fork: <c>comm=C pid=P child_comm=C child_pid=P</c>; exit: <c>comm=C pid=P prio=N [group_dead=B]</c>;
    /// exec: <c>filename=F pid=P old_pid=P</c>. Names may hold spaces, so fields are found from the right.
    /// </summary>
    private static string? ParseSched(ReadOnlySpan<byte> which, scoped ref FtraceRecord r)
    {
        var b = r.Body;
        if (which.SequenceEqual("fork"u8))
        {
            r.Kind = FtraceEventKind.SchedProcessFork;
            var child = b.LastIndexOf(" child_pid="u8);
            var childComm = child < 0 ? -1 : b[..child].LastIndexOf(" child_comm="u8);
            var pid = childComm < 0 ? -1 : b[..childComm].LastIndexOf(" pid="u8);
            return child >= 0 && pid >= 0
                && Utf8Number.TryParseInt(b[(child + 11)..], out r.OtherPid)
                && Utf8Number.TryParseInt(b[(pid + 5)..childComm], out r.EventPid)
                ? null : "sched_process_fork: bad pid or child_pid";
        }

        if (which.SequenceEqual("exit"u8))
        {
            r.Kind = FtraceEventKind.SchedProcessExit;
            r.GroupDead = -1;
            var dead = b.LastIndexOf(" group_dead="u8);
            if (dead >= 0)
            {
                var value = b[(dead + 12)..];
                r.GroupDead = value.SequenceEqual("true"u8) || value.SequenceEqual("1"u8) ? 1 : 0;
                b = b[..dead];
            }

            var prio = b.LastIndexOf(" prio="u8);
            var pid = prio < 0 ? -1 : b[..prio].LastIndexOf(" pid="u8);
            return pid >= 0 && Utf8Number.TryParseInt(b[(pid + 5)..prio], out r.EventPid)
                ? null : "sched_process_exit: bad pid";
        }

        if (which.SequenceEqual("exec"u8))
        {
            r.Kind = FtraceEventKind.SchedProcessExec;
            var old = b.LastIndexOf(" old_pid="u8);
            var pid = old < 0 ? -1 : b[..old].LastIndexOf(" pid="u8);
            return pid >= 0
                && Utf8Number.TryParseInt(b[(old + 9)..], out r.OtherPid)
                && Utf8Number.TryParseInt(b[(pid + 5)..old], out r.EventPid)
                ? null : "sched_process_exec: bad pid or old_pid";
        }

        r.Kind = FtraceEventKind.Unknown;
        return null;
    }

    /// <summary>
    /// <c>name: value, name: value, ...</c>. Values are hex: trace-cmd prints <c>0x%08lx</c>, kernels before 6.17
    /// print <c>%lx</c> without prefix, newer ones print values below 10 in decimal (same digits) and others as 0x.
    /// Arguments are parsed only for the syscalls the mapper uses.
    /// </summary>
    private static string? ParseSyscallEnter(ReadOnlySpan<byte> syscall, scoped ref FtraceRecord r)
    {
        r.Syscall = SyscallNames.Lookup(syscall);
        if (r.Syscall == SyscallKind.Other)
        {
            return null;
        }

        var list = r.Body;
        while (!list.IsEmpty && r.ArgCount < SyscallArgs.Capacity)
        {
            var comma = list.IndexOf((byte)',');
            var item = comma < 0 ? list : list[..comma];
            list = comma < 0 ? default : list[(comma + 1)..];
            var colon = item.IndexOf((byte)':');
            var value = colon < 0 ? default : item[(colon + 1)..].Trim((byte)' ');
            if (!Utf8Number.TryParseHex(value, out r.Args[r.ArgCount]))
            {
                return "syscall entry: bad argument value";
            }

            r.ArgCount++;
        }

        return r.ArgCount < SyscallNames.ArgumentsUsed(r.Syscall) ? "syscall entry cut: too few arguments" : null;
    }

    private static string? ParseSyscallExit(ReadOnlySpan<byte> syscall, scoped ref FtraceRecord r)
    {
        r.Syscall = SyscallNames.Lookup(syscall);
        return r.Syscall == SyscallKind.Other || Utf8Number.TryParseReturn(r.Body, out r.Ret)
            ? null : "syscall exit: bad return value";
    }

    /// <summary>The value of <c>key=value</c> where the key starts the body or follows a space; empty when absent.</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
    {
        var at = body.IndexOf(key);
        while (at > 0 && body[at - 1] != ' ')
        {
            var next = body[(at + 1)..].IndexOf(key);
            at = next < 0 ? -1 : at + 1 + next;
        }

        if (at < 0)
        {
            return default;
        }

        var value = body[(at + key.Length)..];
        var end = value.IndexOf((byte)' ');
        return end < 0 ? value : value[..end];
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

    private static readonly SearchValues<byte> NameChars =
        SearchValues.Create("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"u8);
}
