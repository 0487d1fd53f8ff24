using System.Buffers.Text;

namespace MmReplay.Ingest.Csv;

/// <summary>Numbers straight from UTF-8 field bytes: the whole field must be the number (no sign, no spaces).</summary>
public static class FieldParser
{
    public static bool TryDecimal(ReadOnlySpan<byte> s, out ulong value) =>
        Utf8Parser.TryParse(s, out value, out var used) && used == s.Length && s.Length > 0 && s[0] != '+';

    public static bool TryInt(ReadOnlySpan<byte> s, out int value) =>
        Utf8Parser.TryParse(s, out value, out var used) && used == s.Length && s.Length > 0 && s[0] != '+';

    public static bool TryLong(ReadOnlySpan<byte> s, out long value) =>
        Utf8Parser.TryParse(s, out value, out var used) && used == s.Length && s.Length > 0 && s[0] != '+';

    public static bool IsHex(ReadOnlySpan<byte> s) => s.Length >= 2 && s[0] == '0' && (s[1] | 0x20) == 'x';

    /// <summary>"0x..." hex or decimal (addresses, lengths, values).</summary>
    public static bool TryHexOrDecimal(ReadOnlySpan<byte> s, out ulong value)
    {
        if (!IsHex(s))
        {
            return TryDecimal(s, out value);
        }

        var digits = s[2..];
        return Utf8Parser.TryParse(digits, out value, out var used, 'x') && used == digits.Length && digits.Length > 0;
    }

    /// <summary>"bad hex '0xZZ'" or "bad number 'abc'", as the text looks.</summary>
    public static string Bad(ReadOnlySpan<byte> s) =>
        (IsHex(s) ? "bad hex '" : "bad number '") + System.Text.Encoding.UTF8.GetString(s) + "'";
}
