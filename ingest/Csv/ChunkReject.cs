namespace MmReplay.Ingest.Csv;

/// <summary>
/// A reject from one chunk, with its local line, and <paramref name="EventsBefore"/> the chunk's events before it (so
/// the stitcher puts it back between the right events). A row rejected for going backwards keeps its time: the
/// message names the last time before it, which across chunks only the stitcher knows.
/// </summary>
public readonly record struct ChunkReject(Rejection Rejection, long EventsBefore, ulong? BackwardsTime);
