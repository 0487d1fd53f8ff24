using System.Runtime.CompilerServices;
using System.Text.Unicode;

namespace MmReplay.Ingest.Csv;

/// <summary>Builds an args field ("key=value key=value") in a reused byte buffer, without allocating.</summary>
public sealed class ArgText
{
    private readonly byte[] _buffer = new byte[1024];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Text => _buffer.AsSpan(0, Length);

    public void Clear() => Length = 0;

    public ArgText Add(string key, string? word) => Written(Utf8.TryWrite(Rest, $"{Space}{key}={word}", out var n), n);

    public ArgText Add(string key, long value) => Written(Utf8.TryWrite(Rest, $"{Space}{key}={value}", out var n), n);

    public ArgText Add(string key, ulong value) => Written(Utf8.TryWrite(Rest, $"{Space}{key}={value}", out var n), n);

    public ArgText AddHex(string key, ulong value) => Written(Utf8.TryWrite(Rest, $"{Space}{key}=0x{value:x}", out var n), n);

    /// <summary>A '|'-separated set of the flag words whose bits are set; nothing when none is.</summary>
    public ArgText AddFlags<T>(string key, AsciiLookup<T> words, T flags)
        where T : unmanaged, Enum
    {
        var bits = Unsafe.BitCast<T, byte>(flags);
        var first = true;
        for (var bit = 1; bit <= 0x80; bit <<= 1)
        {
            if ((bits & bit) != 0)
            {
                var word = words.NameOf(Unsafe.BitCast<byte, T>((byte)bit));
                if (first)
                {
                    Add(key, word);
                }
                else
                {
                    Written(Utf8.TryWrite(Rest, $"|{word}", out var n), n);
                }

                first = false;
            }
        }

        return this;
    }

    private Span<byte> Rest => _buffer.AsSpan(Length);

    private string Space => Length == 0 ? "" : " ";

    private ArgText Written(bool fitted, int bytes)
    {
        if (!fitted)
        {
            throw new InvalidOperationException("args longer than 1024 bytes");
        }

        Length += bytes;
        return this;
    }
}
