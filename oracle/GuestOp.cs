namespace MmReplay.Oracle;

/// <summary>
/// One line of an op list: what the guest runtime (tools/oracle/runtime/mmoracle.c) executes. Arguments
/// <see cref="A"/>..<see cref="D"/> mean what the op's row in docs/oracle.md says (e.g. mmap: prot, flags,
/// file id, pgoff in pages).
/// </summary>
public readonly record struct GuestOp(long Line, int Pid, string Name, ulong Addr, ulong Len, ulong A = 0, ulong B = 0, ulong C = 0, ulong D = 0);
