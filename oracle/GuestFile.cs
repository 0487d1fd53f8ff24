namespace MmReplay.Oracle;

/// <summary>A trace file (mmap <c>file=ID</c>, fs=shmem): a memfd of <see cref="Size"/> bytes made before the first process starts.</summary>
public readonly record struct GuestFile(int Id, ulong Size);
