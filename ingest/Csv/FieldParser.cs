using System.Buffers.Text;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Numbers straight from UTF-8 field bytes: the whole field must be the number (no '+', no spaces). Trace fields are
/// short, so plain digit loops beat <see cref="Utf8Parser"/>'s general entry points (format switch, used-bytes
/// count) by a wide margin on the hot path; they accept exactly what Utf8Parser accepts (checked by a test).
/// </summary>
public static class FieldParser
{
    /// <summary>Up to 19 decimal digits cannot overflow a ulong, so the common field needs no check per digit.</summary>
    private const int SafeDecimalDigits = 19;

    /// <summary>16 hex digits fill a ulong.</summary>
    private const int HexDigits = 16;

    /// <summary>Unsigned decimal; leading zeros allowed, as Utf8Parser allows them.</summary>
    public static bool TryDecimal(ReadOnlySpan<byte> s, out ulong value)
    {
        if (s.Length > SafeDecimalDigits || s.IsEmpty)
        {
            return TryLongDecimal(s, out value);
        }

        // A local, not the out parameter, so the running value stays in a register.
        ulong result = 0;
        foreach (var b in s)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                value = 0;
                return false;
            }

            result = (result * 10) + digit;
        }

        value = result;
        return true;
    }

    /// <summary>Signed 32-bit decimal ('-' allowed, so a negative id gets its own message).</summary>
    public static bool TryInt(ReadOnlySpan<byte> s, out int value)
    {
        var negative = !s.IsEmpty && s[0] == '-';
        if (TryDecimal(negative ? s[1..] : s, out var magnitude) && magnitude <= (negative ? 1UL + int.MaxValue : int.MaxValue))
        {
            value = negative ? (int)(0 - magnitude) : (int)magnitude;
            return true;
        }

        value = 0;
        return false;
    }

    public static bool TryLong(ReadOnlySpan<byte> s, out long value) =>
        Utf8Parser.TryParse(s, out value, out var used) && used == s.Length && s.Length > 0 && s[0] != '+';

    public static bool IsHex(ReadOnlySpan<byte> s) => s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x';

    /// <summary>"0x..." hex or decimal (addresses, lengths, values).</summary>
    public static bool TryHexOrDecimal(ReadOnlySpan<byte> s, out ulong value) =>
        IsHex(s) ? TryHex(s[2..], out value) : TryDecimal(s, out value);

    /// <summary>Hex digits without a prefix, either case; leading zeros allowed; at most 64 bits.</summary>
    public static bool TryHex(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        var digits = s.TrimStart((byte)'0');
        if (digits.Length > HexDigits || s.IsEmpty)
        {
            return false;
        }

        ulong result = 0;

        // A table, not comparisons: digits and letters mix at random in addresses, so branches on them mispredict.
        var table = HexValues;
        foreach (var b in digits)
        {
            var digit = table[b];
            if (digit > 0xf)
            {
                return false;
            }

            result = (result << 4) | digit;
        }

        value = result;
        return true;
    }

    /// <summary>"bad hex '0xZZ'" or "bad number 'abc'", as the text looks.</summary>
    public static string Bad(ReadOnlySpan<byte> s) =>
        (IsHex(s) ? "bad hex '" : "bad number '") + System.Text.Encoding.UTF8.GetString(s) + "'";

    /// <summary>The rare long field: leading zeros, or a value near ulong.MaxValue (20 digits).</summary>
    private static bool TryLongDecimal(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        var digits = s.TrimStart((byte)'0');
        if (digits.IsEmpty)
        {
            return !s.IsEmpty; // all zeros
        }

        if (digits.Length <= SafeDecimalDigits)
        {
            return TryDecimal(digits, out value);
        }

        var last = (uint)(digits[^1] - '0');
        if (digits.Length > SafeDecimalDigits + 1 || !TryDecimal(digits[..^1], out value) || last > 9 || value > (ulong.MaxValue - last) / 10)
        {
            value = 0;
            return false;
        }

        value = (value * 10) + last;
        return true;
    }

    /// <summary>Hex digit values by byte; 0xff for a byte that is not a hex digit.</summary>
    private static ReadOnlySpan<byte> HexValues =>
    [
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // '0'..'9'
        0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 'A'..'F'
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 10, 11, 12, 13, 14, 15, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // 'a'..'f'
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    ];
}
