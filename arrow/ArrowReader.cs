using System.Buffers.Binary;
using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>
/// Reads an Arrow IPC file or stream, detected by the <c>ARROW1</c> magic. Files are read through their
/// footer (random access; the schema comes from the footer, as arrow-js writes none before the batches);
/// streams sequentially. Memory use is one record batch at a time. Any corrupt, truncated or unsupported
/// input raises <see cref="ArrowFormatException"/> naming the field and byte offset.
/// </summary>
public sealed class ArrowReader : IDisposable
{
    private static readonly byte[] Magic = "ARROW1"u8.ToArray();

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly bool _strict;
    private readonly MessageReader _messages;
    private readonly Dictionary<long, ArrowColumn> _dictionaries = [];
    private readonly List<FileBlock> _batchBlocks = [];
    private int _nextBatch;

    private ArrowReader(Stream stream, ArrowReaderOptions options, bool leaveOpen)
    {
        _stream = stream;
        _leaveOpen = leaveOpen;
        _strict = options.Strict;
        _messages = new MessageReader(stream, _strict, options.ReuseBatchBodies);
        Span<byte> head = stackalloc byte[6];
        var got = stream.ReadAtLeast(head, 6, throwOnEndOfStream: false);
        Format = got == 6 && head.SequenceEqual(Magic) ? ArrowFormat.File : ArrowFormat.Stream;
        stream.Position = 0;
        Schema = Format == ArrowFormat.File ? OpenFile() : OpenStream();
    }

    public ArrowFormat Format { get; }

    public ArrowSchema Schema { get; }

    /// <summary>Record batches in a file; -1 for a stream (unknown until read).</summary>
    public int RecordBatchCount => Format == ArrowFormat.File ? _batchBlocks.Count : -1;

    public static ArrowReader Open(string path, ArrowReaderOptions? options = null)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        try
        {
            return Open(stream, options, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Open a stream (copied to memory first when it cannot seek).</summary>
    public static ArrowReader Open(Stream stream, ArrowReaderOptions? options = null, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanSeek)
        {
            var copy = new MemoryStream();
            stream.CopyTo(copy);
            copy.Position = 0;
            if (!leaveOpen)
            {
                stream.Dispose();
            }

            stream = copy;
            leaveOpen = false;
        }

        var reader = options ?? new ArrowReaderOptions();
        return Guard(() => new ArrowReader(stream, reader, leaveOpen), 0);
    }

    /// <summary>Batch <paramref name="index"/> of a file (random access).</summary>
    public ArrowRecordBatch ReadRecordBatch(int index)
    {
        if (Format != ArrowFormat.File)
        {
            throw new InvalidOperationException("random access needs the file format; read a stream with ReadNextRecordBatch");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_batchBlocks.Count, nameof(index));
        var block = _batchBlocks[index];
        return Guard(() => DecodeBatch(ReadBlock(block, TypeCodes.HeaderRecordBatch)), block.Offset);
    }

    /// <summary>The next record batch, or null after the last one.</summary>
    public ArrowRecordBatch? ReadNextRecordBatch()
    {
        if (Format == ArrowFormat.File)
        {
            return _nextBatch < _batchBlocks.Count ? ReadRecordBatch(_nextBatch++) : null;
        }

        return Guard(() =>
        {
            while (_messages.Next() is { } message)
            {
                switch (message.HeaderType)
                {
                    case TypeCodes.HeaderRecordBatch:
                        return DecodeBatch(message);
                    case TypeCodes.HeaderDictionaryBatch:
                        AddDictionary(message);
                        break;
                    default:
                        throw new ArrowFormatException($"unexpected message type {message.HeaderType} in the stream", message.Offset);
                }
            }

            return null;
        }, _messages.Position);
    }

    /// <summary>Every remaining record batch, in order.</summary>
    public IEnumerable<ArrowRecordBatch> ReadRecordBatches()
    {
        while (ReadNextRecordBatch() is { } batch)
        {
            yield return batch;
        }
    }

    public void Dispose()
    {
        if (!_leaveOpen)
        {
            _stream.Dispose();
        }
    }

    /// <summary>The reader's promise: whatever the bytes, only <see cref="ArrowFormatException"/> escapes.</summary>
    private static T Guard<T>(Func<T> read, long position)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or OverflowException
                                      or InvalidCastException or EndOfStreamException or InvalidOperationException
                                      or NotSupportedException or System.Text.DecoderFallbackException)
        {
            throw new ArrowFormatException($"corrupt Arrow data: {e.Message}", position, null, e);
        }
    }

    private ArrowSchema OpenStream()
    {
        var first = _messages.Next() ?? throw new ArrowFormatException("empty stream: no schema message", 0);
        if (first.HeaderType != TypeCodes.HeaderSchema)
        {
            throw new ArrowFormatException($"the stream starts with message type {first.HeaderType}, not a schema", 0);
        }

        return MetadataReader.Schema(first.Header);
    }

    private ArrowSchema OpenFile()
    {
        var length = _stream.Length;
        if (length < 18)
        {
            throw new ArrowFormatException($"file of {length} bytes is too short for the Arrow file format", 0);
        }

        Span<byte> tail = stackalloc byte[10];
        _stream.Position = length - 10;
        _stream.ReadExactly(tail);
        if (!tail[4..].SequenceEqual(Magic))
        {
            throw new ArrowFormatException("the trailing ARROW1 magic is missing: truncated file?", length - 6);
        }

        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > length - 18)
        {
            throw new ArrowFormatException($"invalid footer length {footerLength}", length - 10);
        }

        var footerOffset = length - 10 - footerLength;
        var footerBytes = new byte[footerLength];
        _stream.Position = footerOffset;
        _stream.ReadExactly(footerBytes);
        var reader = new FbReader(footerBytes, footerOffset, _strict, "footer");
        var footer = reader.Root();
        var schemaTable = footer.Table(1) ?? throw reader.Error("the footer has no schema", footer.Position);
        var schema = MetadataReader.Schema(schemaTable);
        var dictionaryBlocks = Blocks(footer, 2, footerOffset);
        _batchBlocks.AddRange(Blocks(footer, 3, footerOffset));
        foreach (var block in dictionaryBlocks)
        {
            AddDictionary(ReadBlock(block, TypeCodes.HeaderDictionaryBatch), schema);
        }

        return schema;
    }

    private List<FileBlock> Blocks(FbTableView footer, int id, long limit)
    {
        var (start, count) = footer.Vector(id, 24);
        var blocks = new List<FileBlock>(count);
        for (var i = 0; i < count; i++)
        {
            var at = start + (24 * i);
            var block = new FileBlock(footer.Reader.I64(at), footer.Reader.I32(at + 8), footer.Reader.I64(at + 16));
            if (block.Offset < 8 || block.MetadataLength <= 0 || block.BodyLength < 0 ||
                block.Offset + block.MetadataLength + block.BodyLength > limit)
            {
                throw footer.Reader.Error($"block {i} ({block}) lies outside the file", at);
            }

            if (_strict && (block.Offset % 8 != 0 || block.MetadataLength % 8 != 0 || block.BodyLength % 8 != 0))
            {
                throw footer.Reader.Error($"unaligned block {i} ({block})", at);
            }

            blocks.Add(block);
        }

        return blocks;
    }

    private ArrowMessage ReadBlock(FileBlock block, byte expectedType)
    {
        _stream.Position = block.Offset;
        _messages.Position = block.Offset;
        var message = _messages.Next() ?? throw new ArrowFormatException("block points at an end-of-stream marker", block.Offset);
        if (message.HeaderType != expectedType)
        {
            throw new ArrowFormatException($"block points at message type {message.HeaderType}, expected {expectedType}", block.Offset);
        }

        if (_strict && (message.MetadataLength != block.MetadataLength || message.Body.Length != block.BodyLength))
        {
            throw new ArrowFormatException(
                $"footer block says metadata {block.MetadataLength} / body {block.BodyLength} bytes, the message has {message.MetadataLength} / {message.Body.Length}",
                block.Offset);
        }

        return message;
    }

    private ArrowRecordBatch DecodeBatch(ArrowMessage message) =>
        BatchDecoder.Decode(Schema, message, message.Header, _dictionaries, _strict);

    private void AddDictionary(ArrowMessage message) => AddDictionary(message, Schema);

    private void AddDictionary(ArrowMessage message, ArrowSchema schema)
    {
        var header = message.Header;
        var id = header.Long(0);
        if (header.Bool(2))
        {
            throw header.Reader.Error("delta dictionary batches are not supported", header.Position);
        }

        ArrowField? owner = null;
        foreach (var field in schema.Fields)
        {
            if (field.Type.Id == ArrowTypeId.Dictionary && field.DictionaryId == id)
            {
                owner = field;
            }
        }

        if (owner is null)
        {
            throw header.Reader.Error($"dictionary batch for id {id}, which no field uses", header.Position);
        }

        if (Format == ArrowFormat.File && _dictionaries.ContainsKey(id))
        {
            throw header.Reader.Error($"a second dictionary for id {id}: replacement is not allowed in a file", header.Position);
        }

        var data = header.Table(1) ?? throw header.Reader.Error("dictionary batch without data", header.Position);
        var valueField = new ArrowField(owner.Name, ValueType(owner.Type.ValueType));
        var batch = BatchDecoder.Decode(new ArrowSchema([valueField]), message, data, _dictionaries, _strict);
        _dictionaries[id] = batch.Columns[0];
    }

    private static ArrowType ValueType(ArrowTypeId id) => id switch
    {
        ArrowTypeId.LargeUtf8 => ArrowType.LargeUtf8,
        ArrowTypeId.Utf8View => ArrowType.Utf8View,
        _ => ArrowType.Utf8,
    };
}
