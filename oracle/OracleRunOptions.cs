namespace MmReplay.Oracle;

/// <summary>
/// How to boot: guest size, whether tracefs records page faults and TLB flushes, and the hard timeout
/// (<see cref="BootTimeout"/> plus <see cref="TimeoutPerTrace"/> for each trace).
/// </summary>
public sealed record OracleRunOptions
{
    public int Cpus { get; init; } = 2;
    public int MemoryMegabytes { get; init; } = 512;
    public bool RecordFtrace { get; init; }
    public TimeSpan BootTimeout { get; init; } = TimeSpan.FromSeconds(90);
    public TimeSpan TimeoutPerTrace { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>How many times to boot when the kernel crashes before the guest's init starts (an emulation flake, not a trace's doing).</summary>
    public int EarlyCrashBoots { get; init; } = 3;
    /// <summary>Where the initramfs and the guest's logs go; a fresh temporary folder when null (deleted after a clean run).</summary>
    public string? WorkDirectory { get; init; }
}
