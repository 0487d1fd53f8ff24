using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tables;

/// <summary>Closed vocabularies of dictionary columns, indexed so an enum value maps to its index without lookups.</summary>
public static class Vocabulary
{
    /// <summary>Op names of trace format v1; index = (int)OpCode - 1.</summary>
    public static IReadOnlyList<string> Ops { get; } = BuildOps();

    /// <summary>x86 tlb:tlb_flush reason strings (kernel-semantics 7.2, as 6.1 prints them); index = reason code.</summary>
    public static IReadOnlyList<string> FlushReasons { get; } =
        ["flush on task switch", "remote shootdown", "local shootdown", "local mm shootdown", "remote ipi send", "remote wrong CPU"];

    /// <summary>index = (int)FlushScope - 1.</summary>
    public static IReadOnlyList<string> FlushScopes { get; } = ["page", "range", "full"];

    public static int Op(OpCode op) => (int)op - 1;

    public static int Scope(byte scope) => scope - (int)FlushScope.Page;

    private static string[] BuildOps()
    {
        var all = OpTable.All;
        var names = new string[all.Length];
        for (var i = 0; i < all.Length; i++)
        {
            names[i] = all[i].Name;
        }

        return names;
    }
}
