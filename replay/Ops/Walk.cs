using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>Page-walk helper: the next piece of [va, end) that lies in one VMA and one leaf table (one PT lock).</summary>
internal static class Walk
{
    /// <summary>
    /// Find the next chunk at or after <paramref name="va"/>: [chunkStart, chunkEnd) inside VMA <paramref name="vi"/>
    /// and one leaf table. False when no VMA is left below <paramref name="end"/>.
    /// </summary>
    public static bool NextChunk(Machine m, AddressSpace mm, ulong va, ulong end, out int vi, out ulong chunkStart, out ulong chunkEnd)
    {
        vi = mm.FirstVmaEndingAfter(va);
        if (va >= end || vi >= mm.VmaCount || mm.VmaAt(vi).Start >= end)
        {
            chunkStart = chunkEnd = end;
            return false;
        }

        ref var vma = ref mm.VmaAt(vi);
        chunkStart = Math.Max(va, vma.Start);
        chunkEnd = Math.Min(Math.Min(vma.End, end), Zap.LeafEnd(m, chunkStart));
        return true;
    }
}
