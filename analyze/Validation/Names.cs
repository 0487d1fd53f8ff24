using MmReplay.Replay;

namespace MmReplay.Analyze.Validation;

/// <summary>Words used for verdicts and fault resolutions in the table and the summary.</summary>
public static class Names
{
    /// <summary>index = (int)Verdict.</summary>
    public static IReadOnlyList<string> Verdicts { get; } = ["not compared", "agree", "disagree", "cannot tell"];

    /// <summary>index = (int)FaultResolution (0 = no fault).</summary>
    public static IReadOnlyList<string> Resolutions { get; } =
    [
        "", "zero-page", "new-page", "cow-copy", "reuse", "write-notify", "numa-hint", "swap-in", "file-map", "unshare",
        "soft-dirty-only", "uffd-wp", "segv", "spurious",
    ];

    public static string Verdict(Verdict v) => Verdicts[(int)v];

    public static string Resolution(FaultResolution r) => (int)r < Resolutions.Count ? Resolutions[(int)r] : r.ToString();
}
