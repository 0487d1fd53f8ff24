using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MmReplay.Ingest.Ftrace;

/// <summary>
/// Searches whose answer is usually within the first 32 bytes (a line's cpu column, its event name): vector compares
/// inlined into the caller. The library searches are as fast per byte but their call and setup, paid on every line,
/// cost more than the compares themselves.
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

    /// <summary>
    /// The length of the event name that starts <paramref name="s"/>: its leading <c>[0-9A-Za-z_]</c> bytes. Names
    /// fit 32 bytes, so one vector of range tests answers; a longer run takes the library search.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int NameLength(ReadOnlySpan<byte> s, SearchValues<byte> nameBytes)
    {
        if (s.Length >= Vector256<byte>.Count)
        {
            var bytes = Vector256.Create(s);
            var letter = Vector256.LessThan((bytes | Vector256.Create((byte)0x20)) - Vector256.Create((byte)'a'), Vector256.Create((byte)26));
            var digit = Vector256.LessThan(bytes - Vector256.Create((byte)'0'), Vector256.Create((byte)10));
            var name = letter | digit | Vector256.Equals(bytes, Vector256.Create((byte)'_'));
            var other = ~name.ExtractMostSignificantBits();
            if (other != 0)
            {
                return BitOperations.TrailingZeroCount(other);
            }
        }

        var end = s.IndexOfAnyExcept(nameBytes);
        return end < 0 ? s.Length : end;
    }
}
