using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MmReplay.Ingest.Csv;

namespace MmReplay.Ingest.Tests;

/// <summary>
/// The hand-written digit loops must accept exactly what Utf8Parser accepts (whole field, no '+'), with the same
/// value: the reject messages and the accepted traces must not change with the parser. Seeded random fields built
/// from the characters that matter (digits, hex letters, signs, junk) at the lengths where overflow happens.
/// MMREPLAY_TEST_SEED=n replays one seed.
/// </summary>
public sealed class FieldParserTests
{
    private const string Alphabet = "0000123456789aAfFgx-+ ";

    [Theory]
    [InlineData("18446744073709551615", true, 18446744073709551615UL)] // ulong.MaxValue
    [InlineData("18446744073709551616", false, 0UL)] // one more
    [InlineData("000000000000000000000000042", true, 42UL)] // leading zeros beyond 20 digits
    [InlineData("-0", false, 0UL)]
    [InlineData("+1", false, 0UL)]
    [InlineData("", false, 0UL)]
    [InlineData("12a", false, 0UL)]
    public void Decimal_edges(string text, bool ok, ulong expected)
    {
        Assert.Equal(ok, FieldParser.TryDecimal(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
        Assert.Equal(ok, Reference(text, out ulong reference));
        Assert.Equal(expected, reference);
    }

    [Theory]
    [InlineData("2147483647", true, int.MaxValue)]
    [InlineData("2147483648", false, 0)]
    [InlineData("-2147483648", true, int.MinValue)]
    [InlineData("-2147483649", false, 0)]
    [InlineData("-0", true, 0)]
    [InlineData("-", false, 0)]
    [InlineData("--1", false, 0)]
    public void Int_edges(string text, bool ok, int expected)
    {
        Assert.Equal(ok, FieldParser.TryInt(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("0xffffffffffffffff", true, ulong.MaxValue)]
    [InlineData("0x10000000000000000", false, 0UL)] // 65 bits
    [InlineData("0x00000000000000000000ABCdef", true, 0xabcdefUL)]
    [InlineData("0x", false, 0UL)]
    [InlineData("0xg", false, 0UL)]
    [InlineData("0X1f", true, 0x1fUL)]
    public void Hex_edges(string text, bool ok, ulong expected)
    {
        Assert.Equal(ok, FieldParser.TryHexOrDecimal(Encoding.ASCII.GetBytes(text), out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Random_fields_parse_as_Utf8Parser_parses_them()
    {
        var one = Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED");
        var seeds = one is null ? Enumerable.Range(1, 20) : [int.Parse(one, CultureInfo.InvariantCulture)];
        foreach (var seed in seeds)
        {
            var random = new Random(seed);
            for (var i = 0; i < 5_000; i++)
            {
                var text = Field(random);
                var bytes = Encoding.ASCII.GetBytes(text);
                var context = $"seed {seed} (MMREPLAY_TEST_SEED={seed}), field '{text}'";

                var ok = FieldParser.TryDecimal(bytes, out var value);
                Assert.True((ok, ok ? value : 0) == (Reference(text, out ulong expected), expected), "decimal: " + context);

                ok = FieldParser.TryInt(bytes, out var number);
                Assert.True((ok, ok ? number : 0) == (Reference(text, out int expectedInt), expectedInt), "int: " + context);

                var hex = Utf8Parser.TryParse(bytes, out ulong h, out var used, 'x') && used == bytes.Length && bytes.Length > 0 && bytes[0] != '+';
                ok = FieldParser.TryHex(bytes, out value);
                Assert.True((ok, ok ? value : 0) == (hex, hex ? h : 0), "hex: " + context);
            }
        }
    }

    /// <summary>Mostly numbers of 1 to 22 characters near the overflow lengths, with a junk or sign byte now and then.</summary>
    private static string Field(Random random)
    {
        var length = random.Next(0, 23);
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            text.Append(random.Next(8) == 0 ? Alphabet[random.Next(Alphabet.Length)] : (char)('0' + random.Next(10)));
        }

        if (length is 19 or 20 && random.Next(2) == 0)
        {
            text[0] = '1'; // around ulong.MaxValue (1.8e19)
        }

        return text.ToString();
    }

    private static bool Reference(string text, out ulong value)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var ok = Utf8Parser.TryParse(bytes, out value, out var used) && used == bytes.Length && bytes.Length > 0 && bytes[0] != '+';
        value = ok ? value : 0;
        return ok;
    }

    private static bool Reference(string text, out int value)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        var ok = Utf8Parser.TryParse(bytes, out value, out var used) && used == bytes.Length && bytes.Length > 0 && bytes[0] != '+';
        value = ok ? value : 0;
        return ok;
    }
}
