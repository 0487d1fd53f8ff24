using System.Collections.Frozen;
using System.Text;

namespace MmReplay.Ingest;

/// <summary>
/// The op vocabulary of trace format v1 as data: every reader validates against it and every writer names ops
/// from it, so the spec lives in one place. Indexed by <see cref="OpCode"/>.
/// </summary>
public static class OpTable
{
    private const ArgKeys FileRange = ArgKeys.File | ArgKeys.First | ArgKeys.Nr;

    private static readonly OpSpec[] Specs =
    [
        new(OpCode.None, "", AddrRule.None, ArgKeys.None, ArgKeys.None),
        new(OpCode.Mmap, "mmap", AddrRule.AlignedRange,
            ArgKeys.Prot | ArgKeys.Map | ArgKeys.Backing | ArgKeys.File | ArgKeys.PgOff | ArgKeys.Fs | ArgKeys.Flags,
            ArgKeys.Prot | ArgKeys.Map | ArgKeys.Backing),
        new(OpCode.Munmap, "munmap", AddrRule.AlignedRange, ArgKeys.None, ArgKeys.None),
        new(OpCode.Mprotect, "mprotect", AddrRule.AlignedRange, ArgKeys.Prot, ArgKeys.Prot),
        new(OpCode.Madvise, "madvise", AddrRule.AlignedRange, ArgKeys.Advice, ArgKeys.Advice),
        new(OpCode.Mremap, "mremap", AddrRule.AlignedRange, ArgKeys.To | ArgKeys.NewLen, ArgKeys.To),
        new(OpCode.Read, "read", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.Write, "write", AddrRule.Range, ArgKeys.Value, ArgKeys.None),
        // access= or error_code=: exactly one, checked by the parser.
        new(OpCode.Fault, "fault", AddrRule.Range, ArgKeys.Access | ArgKeys.ErrorCode, ArgKeys.None),
        new(OpCode.Fork, "fork", AddrRule.None, ArgKeys.Child, ArgKeys.Child),
        new(OpCode.Exit, "exit", AddrRule.None, ArgKeys.None, ArgKeys.None),
        new(OpCode.Exec, "exec", AddrRule.None, ArgKeys.None, ArgKeys.None),
        new(OpCode.ClearRefs, "clear_refs", AddrRule.None, ArgKeys.Type, ArgKeys.Type),
        new(OpCode.Pagemap, "pagemap", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.UffdWp, "uffd_wp", AddrRule.AlignedRange, ArgKeys.Enable | ArgKeys.Async, ArgKeys.Enable),
        new(OpCode.PagemapScan, "pagemap_scan", AddrRule.AlignedStart, ArgKeys.Want | ArgKeys.Clear, ArgKeys.Want),
        new(OpCode.WpRange, "wp_range", AddrRule.None, FileRange, FileRange),
        new(OpCode.CleanRange, "clean_range", AddrRule.None, FileRange, FileRange),
        new(OpCode.Pin, "pin", AddrRule.Range, ArgKeys.Flags, ArgKeys.None),
        new(OpCode.Unpin, "unpin", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.DmaRead, "dma_read", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.DmaWrite, "dma_write", AddrRule.Range, ArgKeys.Value, ArgKeys.None),
        new(OpCode.DevAttach, "dev_attach", AddrRule.None, ArgKeys.Dev | ArgKeys.Kind, ArgKeys.Dev | ArgKeys.Kind),
        new(OpCode.DevDetach, "dev_detach", AddrRule.None, ArgKeys.Dev, ArgKeys.Dev),
        new(OpCode.DevRead, "dev_read", AddrRule.Range, ArgKeys.Dev, ArgKeys.Dev),
        new(OpCode.DevWrite, "dev_write", AddrRule.Range, ArgKeys.Dev | ArgKeys.Value, ArgKeys.Dev),
        new(OpCode.NumaHint, "numa_hint", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.Migrate, "migrate", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.KsmMerge, "ksm_merge", AddrRule.Range, ArgKeys.WithPid | ArgKeys.WithAddr, ArgKeys.WithPid | ArgKeys.WithAddr),
        new(OpCode.SwapOut, "swap_out", AddrRule.Range, ArgKeys.None, ArgKeys.None),
        new(OpCode.Writeback, "writeback", AddrRule.None, FileRange, FileRange),
        new(OpCode.TlbFlush, "tlb_flush", AddrRule.None, ArgKeys.Reason | ArgKeys.Pages, ArgKeys.Reason | ArgKeys.Pages),
        new(OpCode.Notifier, "notifier", AddrRule.OptionalRange, ArgKeys.Call | ArgKeys.Event, ArgKeys.Call),
    ];

    private static readonly AsciiLookup<OpCode> ByName = BuildLookup();

    /// <summary>Every op, in <see cref="OpCode"/> order (without None).</summary>
    public static ReadOnlySpan<OpSpec> All => Specs.AsSpan(1);

    public static ref readonly OpSpec Get(OpCode op) => ref Specs[(int)op];

    public static string Name(OpCode op) => Specs[(int)op].Name;

    /// <summary>Look an op up by its UTF-8 name, without allocating.</summary>
    public static bool TryParse(ReadOnlySpan<byte> name, out OpCode op) => ByName.TryGet(name, out op);

    private static AsciiLookup<OpCode> BuildLookup()
    {
        var pairs = new List<KeyValuePair<string, OpCode>>();
        foreach (var spec in All)
        {
            pairs.Add(new(spec.Name, spec.Op));
        }

        return new AsciiLookup<OpCode>(pairs);
    }

    /// <summary>The names of the keys in <paramref name="keys"/>, as the trace spells them (for messages and docs).</summary>
    public static string ArgNames(ArgKeys keys)
    {
        var text = new StringBuilder();
        foreach (var (key, name) in ArgKeyNames.All)
        {
            if ((keys & key) != 0)
            {
                text.Append(text.Length == 0 ? "" : " ").Append(name);
            }
        }

        return text.ToString();
    }
}
