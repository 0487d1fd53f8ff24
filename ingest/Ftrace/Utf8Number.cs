using System.Runtime.CompilerServices;

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
