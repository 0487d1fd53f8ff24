using System.Runtime.CompilerServices;

namespace MmReplay.Ingest.Ftrace;

/// <summary>The six raw syscall arguments, inline so a record carries them without an array.</summary>
[InlineArray(Capacity)]
public struct SyscallArgs
{
    public const int Capacity = 6;

    private ulong _first;
}
