using System.Buffers.Binary;
using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>
/// Reads framed messages (continuation marker or legacy length, metadata, body) from a stream, checking
/// every length against what is left so a corrupt length never drives a huge allocation.
/// </summary>
internal sealed class MessageReader(Stream stream, bool strict, bool reuseBatchBodies = false)
{
    private const int MaxMetadata = 1 << 28;

    private byte[] _batchBody = [];

    /// <summary>Absolute position of the next byte to read.</summary>
    public long Position { get; set; }

    /// <summary>The next message, or null at end of stream (EOS marker or end of data).</summary>
    public ArrowMessage? Next()
    {
        var start = Position;
        Span<byte> prefix = stackalloc byte[4];
        var got = ReadUpTo(prefix);
        if (got == 0)
        {
            return null; // end of data counts as end of stream
        }

        if (got < 4)
        {
            throw new ArrowFormatException("truncated message prefix", start);
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
        var prefixLength = 4;
        if (length == -1)
        {
            if (ReadUpTo(prefix) < 4)
            {
                throw new ArrowFormatException("truncated message length", Position);
            }

            length = BinaryPrimitives.ReadInt32LittleEndian(prefix);
            prefixLength = 8;
        }

        if (length == 0)
        {
            return null;
        }

        if (length < 0 || length > MaxMetadata || length > Remaining())
        {
            throw new ArrowFormatException($"invalid metadata length {length}", start + prefixLength - 4);
        }

        if (strict && (prefixLength + length) % 8 != 0)
        {
            throw new ArrowFormatException($"metadata length {length} leaves the body unaligned (8 + length must be a multiple of 8)", start);
        }

        var metadataOffset = Position;
        var metadata = ReadExactly(length);
        var reader = new FbReader(metadata, metadataOffset, strict, "message");
        var message = reader.Root();
        var version = message.Short(0);
        if (version < 3)
        {
            throw reader.Error($"metadata version V{version + 1} is too old (V4 or V5 required)", message.Position);
        }

        var headerType = message.Byte(1);
        var header = message.Table(2) ?? throw reader.Error("message header is missing", message.Position);
        var bodyLength = message.Long(3);
        if (bodyLength < 0 || bodyLength > Remaining() || bodyLength > Array.MaxLength)
        {
            throw new ArrowFormatException($"invalid body length {bodyLength} (only {Remaining()} bytes left)", metadataOffset);
        }

        if (strict && bodyLength % 8 != 0)
        {
            throw new ArrowFormatException($"body length {bodyLength} is not a multiple of 8", metadataOffset);
        }

        var bodyOffset = Position;
        ReadOnlyMemory<byte> body = reuseBatchBodies && headerType == TypeCodes.HeaderRecordBatch && stream.CanSeek
            ? ReadBatchBody((int)bodyLength)
            : ReadExactly((int)bodyLength);
        return new ArrowMessage(headerType, header, body, start, prefixLength + length, bodyOffset);
    }

    private long Remaining() => stream.CanSeek ? stream.Length - Position : long.MaxValue;

    /// <summary>A record batch body into the array kept from the previous one (grown when too small).</summary>
    private ReadOnlyMemory<byte> ReadBatchBody(int count)
    {
        if (_batchBody.Length < count)
        {
            _batchBody = GC.AllocateUninitializedArray<byte>(count);
        }

        var read = stream.ReadAtLeast(_batchBody.AsSpan(0, count), count, throwOnEndOfStream: false);
        Position += read;
        if (read < count)
        {
            throw new ArrowFormatException($"truncated: expected {count} bytes, found {read}", Position);
        }

        return _batchBody.AsMemory(0, count);
    }

    private byte[] ReadExactly(int count)
    {
        // A seekable stream's length was already checked against what is left: read in one go into an array that
        // is not zeroed first. Otherwise grow as data actually arrives, so a lying length cannot exhaust memory.
        var data = stream.CanSeek ? GC.AllocateUninitializedArray<byte>(count) : new byte[Math.Min(count, 1 << 20)];
        var read = 0;
        while (read < count)
        {
            if (read == data.Length)
            {
                Array.Resize(ref data, (int)Math.Min(count, (long)data.Length * 2));
            }

            var n = stream.Read(data, read, data.Length - read);
            if (n == 0)
            {
                throw new ArrowFormatException($"truncated: expected {count} bytes, found {read}", Position);
            }

            read += n;
            Position += n;
        }

        return data;
    }

    private int ReadUpTo(Span<byte> target)
    {
        var read = 0;
        while (read < target.Length)
        {
            var n = stream.Read(target[read..]);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        Position += read;
        return read;
    }
}
