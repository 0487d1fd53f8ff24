using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MmReplay.Ingest.Ftrace;

/// <summary>Allocation-free number parsing over UTF-8 spans, in the shapes ftrace prints them.</summary>
internal static class Utf8Number
{
    /// <summary>Unsigned hex with an optional 0x prefix; at least one digit, at most 16.</summary>
    public static bool TryParseHex(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if (s.Length > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
        {
            s = s[2..];
        }

        if (s.IsEmpty || s.Length > 16)
        {
            return false;
        }

        foreach (var c in s)
        {
            var d = HexDigit(c);
            if (d < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)d;
        }

        return true;
    }

    /// <summary>
    /// <paramref name="s"/> starts with <paramref name="key"/>, then hex as <see cref="TryParseHex"/> reads it, then a
    /// space: the value parsed in the same pass that finds its end. False (value 0) for any other shape.
    /// </summary>
    public static bool TryParseHexField(ReadOnlySpan<byte> s, ReadOnlySpan<byte> key, out ulong value)
    {
        value = 0;
        if (!s.StartsWith(key))
        {
            return false;
        }

        var i = key.Length;
        if (i + 2 < s.Length && s[i] == '0' && (s[i + 1] | 0x20) == 'x')
        {
            i += 2;
        }

        var first = i;
        ulong v = 0;
        int d;
        while (i < s.Length && (d = HexDigit(s[i])) >= 0)
        {
            v = (v << 4) | (uint)d;
            i++;
        }

        if (i == first || i - first > 16 || i == s.Length || s[i] != ' ')
        {
            return false;
        }

        value = v;
        return true;
    }

    /// <summary>Signed decimal (<c>-1</c>, <c>42</c>).</summary>
    public static bool TryParseLong(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        var negative = !s.IsEmpty && s[0] == '-';
        if (negative)
        {
            s = s[1..];
        }

        if (s.IsEmpty || s.Length > 18)
        {
            return false;
        }

        foreach (var c in s)
        {
            var d = c - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        if (negative)
        {
            value = -value;
        }

        return true;
    }

    public static bool TryParseInt(ReadOnlySpan<byte> s, out int value)
    {
        var ok = TryParseLong(s, out var wide) && wide is >= int.MinValue and <= int.MaxValue;
        value = ok ? (int)wide : 0;
        return ok;
    }

    /// <summary>
    /// A syscall return as the two tools print it: <c>0x...</c> (a negative errno shows as 0xffff...) or a signed
    /// decimal. Hex without prefix is what old kernels print; a bare decimal only ever has digits 0-9 there.
    /// </summary>
    public static bool TryParseReturn(ReadOnlySpan<byte> s, out long value)
    {
        if (!s.IsEmpty && s[0] == '-')
        {
            return TryParseLong(s, out value);
        }

        var ok = TryParseHex(s, out var raw);
        value = unchecked((long)raw);
        return ok;
    }

    /// <summary><c>seconds.fraction</c> (1 to 9 fraction digits) to ns; a plain integer is taken as raw clock ticks.</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> s, out ulong ns)
    {
        ns = 0;
        var dot = s.IndexOf((byte)'.');
        var whole = dot < 0 ? s : s[..dot];
        if (!TryParseLong(whole, out var seconds) || seconds < 0)
        {
            return false;
        }

        if (dot < 0)
        {
            ns = (ulong)seconds;
            return true;
        }

        var fraction = s[(dot + 1)..];
        if (fraction.IsEmpty || fraction.Length > 9 || !TryParseLong(fraction, out var digits) || digits < 0)
        {
            return false;
        }

        for (var i = fraction.Length; i < 9; i++)
        {
            digits *= 10;
        }

        ns = ((ulong)seconds * 1_000_000_000UL) + (ulong)digits;
        return true;
    }

    /// <summary>
    /// The decimal digits that start <paramref name="s"/> when they end within its first 8 bytes (0 to 7 digits, the
    /// usual cpu, tid and timestamp columns): their <paramref name="count"/> and <paramref name="value"/>, without a
    /// loop. False when <paramref name="s"/> is shorter than 8 bytes or starts with 8 digits: read those otherwise.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryReadShortDecimal(ReadOnlySpan<byte> s, out int count, out ulong value)
    {
        value = 0;
        count = 0;
        if (s.Length < 8)
        {
            return false;
        }

        var word = BinaryPrimitives.ReadUInt64LittleEndian(s);
        count = LeadingDigits(word);
        if (count == 8)
        {
            return false;
        }

        value = count == 0 ? 0 : DigitsValue(word, count);
        return true;
    }

    /// <summary>
    /// How many of the 8 bytes of <paramref name="word"/> (read little-endian: the first byte lowest) are decimal digits
    /// before the first that is not, 0 to 8. A byte is a digit when subtracting '0' leaves no borrow (the top bit stays
    /// clear) and adding 0x46 does not reach 0x80 (it was below ':'); a borrow or carry can only start at a byte that
    /// is not a digit, so the bytes before the first such byte are judged exactly.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int LeadingDigits(ulong word)
    {
        var notDigit = ((word - 0x3030303030303030UL) | (word + 0x4646464646464646UL)) & 0x8080808080808080UL;
        return BitOperations.TrailingZeroCount(notDigit) >> 3;
    }

    /// <summary>
    /// The value of the first <paramref name="count"/> (1 to 8) bytes of <paramref name="word"/>, all digits: the digits
    /// are shifted to the top so zero bytes lead, then neighbouring pairs, fours and eights are combined, each in one
    /// multiply-add per lane (lanes never carry into each other: 99, 9999 and 99999999 fit their 8, 16, 32 bits).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong DigitsValue(ulong word, int count)
    {
        var digits = (word - 0x3030303030303030UL) << ((8 - count) * 8);
        var pairs = ((digits * 10) + (digits >> 8)) & 0x00FF00FF00FF00FFUL;
        var fours = ((pairs * 100) + (pairs >> 16)) & 0x0000FFFF0000FFFFUL;
        return ((fours * 10000) + (fours >> 32)) & 0xFFFFFFFFUL;
    }

    /// <summary>
    /// The hex digits (<c>[0-9a-fA-F]</c>) that start <paramref name="s"/>, up to 16, judged in one vector of 16 bytes
    /// (<paramref name="s"/> must hold at least 16): returns how many there are and <paramref name="value"/> their
    /// value. Addresses have 12 digits: a digit at a time cost a table load, a shift and a branch each.
    /// </summary>
    public static int LeadingHex(ReadOnlySpan<byte> s, out ulong value)
    {
        var bytes = Vector128.Create(s);
        var decimals = bytes - Vector128.Create((byte)'0');
        var letters = (bytes | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a');
        var isDecimal = Vector128.LessThan(decimals, Vector128.Create((byte)10));
        var isLetter = Vector128.LessThan(letters, Vector128.Create((byte)6));
        var nibbles = (decimals & isDecimal) | ((letters + Vector128.Create((byte)10)) & isLetter);
        var count = BitOperations.TrailingZeroCount(~(isDecimal | isLetter).ExtractMostSignificantBits());
        var first = nibbles.AsUInt64().GetElement(0);
        value = count <= 8
            ? NibblesValue(first, count)
            : (NibblesValue(first, 8) << ((count - 8) * 4)) | NibblesValue(nibbles.AsUInt64().GetElement(1), count - 8);
        return count;
    }

    /// <summary>
    /// The number written by the first <paramref name="count"/> (0 to 8) bytes of <paramref name="word"/>, each a nibble
    /// (the first byte, lowest, is the most significant): shifted to the top so zero nibbles lead, then pairs, fours and
    /// eights are joined by shifts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong NibblesValue(ulong word, int count)
    {
        if (count == 0)
        {
            return 0;
        }

        var nibbles = word << ((8 - count) * 8);
        var pairs = ((nibbles << 4) | (nibbles >> 8)) & 0x00FF00FF00FF00FFUL;
        var fours = ((pairs << 8) | (pairs >> 16)) & 0x0000FFFF0000FFFFUL;
        return ((fours << 16) | (fours >> 32)) & 0xFFFFFFFFUL;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsHexDigit(byte c) => HexDigit(c) >= 0;

    /// <summary>The value of a hex digit, or -1: a table lookup, because addresses mix digits and letters at random
    /// and a branch per kind mispredicts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int HexDigit(byte c) => (sbyte)HexValues[c];

    /// <summary>0-15 for <c>[0-9a-fA-F]</c>, 0xFF (-1 as sbyte) for every other byte.</summary>
    private static ReadOnlySpan<byte> HexValues =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
    ];
}
