namespace MmReplay.Ingest.Ftrace;

/// <summary>What the mapper knows about one kernel task (tid): which address space it runs in, and how it got it.</summary>
internal readonly record struct TaskState(int MmPid, TaskOrigin Origin);
