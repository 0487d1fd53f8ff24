using System.Runtime.CompilerServices;

// The model's invariant tests inspect frames and page tables directly.
[assembly: InternalsVisibleTo("MmReplay.Replay.Tests")]
