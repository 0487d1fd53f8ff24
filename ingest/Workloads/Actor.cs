namespace MmReplay.Ingest.Workloads;

/// <summary>Who performs an operation: a thread (<paramref name="Tid"/>) of a process (<paramref name="Pid"/>, the mm) on a CPU.</summary>
public readonly record struct Actor(int Cpu, int Pid, int Tid);
