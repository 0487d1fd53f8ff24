using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// <c>IndexOf</c> for a byte that is usually found within a few dozen bytes (a line's cpu column, its newline):
/// 32-byte vector compares inlined into the caller. The library search is as fast per byte but its call and setup,
/// paid twice on every line, cost more than the compares themselves.
/// </summary>
internal static class ShortSearch
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IndexOf(ReadOnlySpan<byte> s, byte value)
    {
        var needle = Vector256.Create(value);
        ref var start = ref MemoryMarshal.GetReference(s);
        var i = 0;
        for (; i + Vector256<byte>.Count <= s.Length; i += Vector256<byte>.Count)
        {
            var found = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), needle).ExtractMostSignificantBits();
            if (found != 0)
            {
                return i + BitOperations.TrailingZeroCount(found);
            }
        }

        // Fewer than 32 bytes left: the library search handles the tail.
        var rest = s[i..].IndexOf(value);
        return rest < 0 ? -1 : i + rest;
    }
}
