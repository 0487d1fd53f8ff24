namespace MmReplay.Ingest;

/// <summary>The spelling of each <see cref="ArgKeys"/> bit in the args column.</summary>
public static class ArgKeyNames
{
    public static readonly IReadOnlyList<(ArgKeys Key, string Name)> All =
    [
        (ArgKeys.Prot, "prot"), (ArgKeys.Map, "map"), (ArgKeys.Backing, "backing"), (ArgKeys.File, "file"),
        (ArgKeys.PgOff, "pgoff"), (ArgKeys.Fs, "fs"), (ArgKeys.Flags, "flags"), (ArgKeys.Advice, "advice"),
        (ArgKeys.To, "to"), (ArgKeys.NewLen, "new_len"), (ArgKeys.Value, "value"), (ArgKeys.Access, "access"),
        (ArgKeys.ErrorCode, "error_code"), (ArgKeys.Child, "child"), (ArgKeys.Type, "type"), (ArgKeys.Enable, "enable"),
        (ArgKeys.Async, "async"), (ArgKeys.Want, "want"), (ArgKeys.Clear, "clear"), (ArgKeys.First, "first"),
        (ArgKeys.Nr, "nr"), (ArgKeys.Dev, "dev"), (ArgKeys.Kind, "kind"), (ArgKeys.WithPid, "with_pid"),
        (ArgKeys.WithAddr, "with_addr"), (ArgKeys.Reason, "reason"), (ArgKeys.Pages, "pages"), (ArgKeys.Call, "call"),
        (ArgKeys.Event, "event"),
    ];

    private static readonly AsciiLookup<ArgKeys> ByName = new(All.Select(p => new KeyValuePair<string, ArgKeys>(p.Name, p.Key)));

    public static bool TryParse(ReadOnlySpan<byte> name, out ArgKeys key) => ByName.TryGet(name, out key);

    public static string Name(ArgKeys key)
    {
        foreach (var (k, name) in All)
        {
            if (k == key)
            {
                return name;
            }
        }

        return key.ToString();
    }
}
