namespace MmReplay.Oracle;

/// <summary>A trace pid in the guest. <see cref="Initial"/>: it exists from the start (no fork op creates it).</summary>
public readonly record struct GuestProcess(int Pid, bool Initial);
