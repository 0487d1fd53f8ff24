using MmReplay.Replay;

namespace MmReplay.Analyze.Validation;

/// <summary>What <c>mmreplay validate</c> needs: the CLI maps its flags onto this.</summary>
public sealed record ValidationRunOptions
{
    /// <summary>An ftrace text recording (tracefs or trace-cmd report, gzip allowed; "-" for standard input).</summary>
    public required string TracePath { get; init; }

    public required string OutputDirectory { get; init; }

    public required KernelPolicy Policy { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Stop at the first malformed line instead of writing it to rejects.csv.</summary>
    public bool Strict { get; init; }
}
