using System.Buffers;

namespace MmReplay.Ingest.Ftrace;

/// <summary>The bodies of the events mmreplay reads: page faults, tlb_flush, markers, sched and syscalls.</summary>
public static partial class FtraceTextReader
{
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
        var body = r.Body;
        if (TryParseUsualPageFault(body, ref r))
        {
            return null;
        }

        // Both tools print "address=A ip=I error_code=C": take the first and last fields directly, search otherwise.
        var lastSpace = body.LastIndexOf((byte)' ');
        var tail = lastSpace > 0 ? body[(lastSpace + 1)..] : default;
        var code = tail.StartsWith("error_code="u8) ? tail["error_code=".Length..] : Field(body, "error_code="u8);
        ulong errorCode = 0;
        var codeOk = !code.IsEmpty && Utf8Number.TryParseHex(code, out errorCode) && errorCode <= uint.MaxValue;

        // The usual numeric address is read as it is found; symbols, odd spacing and errors take the general path.
        if (Utf8Number.TryParseHexField(body, "address="u8, out r.Address) && codeOk)
        {
            r.ErrorCode = (uint)errorCode;
            r.AddressIsNumeric = true;
            return null;
        }

        var firstSpace = body.IndexOf((byte)' ');
        var address = body.StartsWith("address="u8) && firstSpace > 0 ? body["address=".Length..firstSpace] : Field(body, "address="u8);
        if (address.IsEmpty)
        {
            return "page fault: no address field";
        }

        if (!codeOk)
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
    /// The shape both tools print for a user address, <c>address=0xA ip=0xI error_code=0xC</c>, read without a search:
    /// the address as one vector of hex digits, the error code backwards from the end of the line. False leaves
    /// <paramref name="r"/> as it was, for the general path (symbols, other spacing, errors).
    /// </summary>
    private static bool TryParseUsualPageFault(ReadOnlySpan<byte> body, scoped ref FtraceRecord r)
    {
        const int AddressPrefix = 10; // "address=0x"
        if (body.Length < AddressPrefix + 17 || !body.StartsWith("address=0x"u8))
        {
            return false;
        }

        var digits = Utf8Number.LeadingHex(body[AddressPrefix..], out var address);
        if (digits == 0 || body[AddressPrefix + digits] != ' ')
        {
            return false;
        }

        // The code's digits end the body; what precedes them must be the last field's name (so its space is the last).
        var end = body.Length;
        var start = end;
        while (start > end - 8 && Utf8Number.IsHexDigit(body[start - 1]))
        {
            start--;
        }

        if (start == end || Utf8Number.IsHexDigit(body[start - 1]) || !body[..start].EndsWith(" error_code=0x"u8)
            || !Utf8Number.TryParseHex(body[start..end], out var code))
        {
            return false;
        }

        r.Address = address;
        r.ErrorCode = (uint)code;
        r.AddressIsNumeric = true;
        return true;
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
}
