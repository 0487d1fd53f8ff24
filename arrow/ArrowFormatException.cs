namespace MmReplay.Arrow;

/// <summary>
/// The one exception the reader throws for a corrupt, truncated or unsupported file. The message names
/// the field (when one is concerned) and the absolute byte offset in the file where the problem lies.
/// </summary>
public sealed class ArrowFormatException : Exception
{
    public ArrowFormatException()
    {
    }

    public ArrowFormatException(string message)
        : base(message)
    {
    }

    public ArrowFormatException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ArrowFormatException(string message, long byteOffset, string? field = null, Exception? inner = null)
        : base(Describe(message, byteOffset, field), inner)
    {
        ByteOffset = byteOffset;
        Field = field;
    }

    /// <summary>Absolute position in the file or stream, or -1 when not known.</summary>
    public long ByteOffset { get; } = -1;

    /// <summary>The field concerned, if any.</summary>
    public string? Field { get; }

    private static string Describe(string message, long byteOffset, string? field) =>
        field is null ? $"{message} (at byte {byteOffset})" : $"field '{field}': {message} (at byte {byteOffset})";
}
