namespace MmReplay.Cli;

/// <summary>Process exit codes (../shared/conventions.md, sysexits where one fits).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int Usage = 2;
    /// <summary>`mmreplay oracle`: the kernel and the model disagree on at least one observation.</summary>
    public const int Disagreement = 3;
    /// <summary>EX_DATAERR: input had rejected rows under --strict.</summary>
    public const int DataError = 65;
    /// <summary>EX_NOINPUT: input missing or unreadable.</summary>
    public const int NoInput = 66;
    /// <summary>EX_UNAVAILABLE: `mmreplay oracle` lacks QEMU, gcc, busybox or the kernel (run tools/oracle/setup.sh).</summary>
    public const int Unavailable = 69;
    /// <summary>128 + SIGINT.</summary>
    public const int Cancelled = 130;
}
