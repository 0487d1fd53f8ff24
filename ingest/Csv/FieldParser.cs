using System.Buffers.Text;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Numbers straight from UTF-8 field bytes: the whole field must be the number (no '+', no spaces). Trace fields are
/// short, so plain digit loops beat <see cref="Utf8Parser"/>'s general entry points (format switch, used-bytes
/// count) by a wide margin on the hot path; they accept exactly what Utf8Parser accepts (checked by a test).
/// </summary>
public static class FieldParser
{
    /// <summary>ulong.MaxValue / 10: the largest value a further decimal digit may be appended to (with that digit &lt;= 5).</summary>
    private const ulong DecimalLimit = ulong.MaxValue / 10;

    /// <summary>Unsigned decimal; leading zeros allowed, as Utf8Parser allows them.</summary>
    public static bool TryDecimal(ReadOnlySpan<byte> s, out ulong value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var b in s)
        {
            var digit = (uint)(b - '0');
            if (digit > 9 || value > DecimalLimit || (value == DecimalLimit && digit > ulong.MaxValue % 10))
            {
                value = 0;
                return false;
            }

            value = (value * 10) + digit;
        }

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
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var b in s)
        {
            var digit = (uint)(b - '0');
            if (digit > 9)
            {
                digit = (uint)((b | 0x20) - 'a');
                if (digit > 5)
                {
                    value = 0;
                    return false;
                }

                digit += 10;
            }

            if (value > ulong.MaxValue >> 4)
            {
                value = 0;
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    /// <summary>"bad hex '0xZZ'" or "bad number 'abc'", as the text looks.</summary>
    public static string Bad(ReadOnlySpan<byte> s) =>
        (IsHex(s) ? "bad hex '" : "bad number '") + System.Text.Encoding.UTF8.GetString(s) + "'";
}
