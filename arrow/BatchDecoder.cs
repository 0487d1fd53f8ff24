using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>
/// Turns a RecordBatch header plus its body into columns, checking every node and buffer against the body
/// (always) and against pyarrow's alignment and offset rules (strict).
/// </summary>
internal sealed class BatchDecoder(ArrowMessage message, FbTableView batch, bool strict)
{
    private readonly FbReader _reader = batch.Reader;
    private readonly (int Start, int Count) _nodes = batch.Vector(1, 16);
    private readonly (int Start, int Count) _buffers = batch.Vector(2, 16);
    private readonly (int Start, int Count) _variadicCounts = batch.Vector(4, 8);
    private int _node;
    private int _buffer;
    private int _variadic;

    public static ArrowRecordBatch Decode(ArrowSchema schema, ArrowMessage message, FbTableView batch,
        IReadOnlyDictionary<long, ArrowColumn> dictionaries, bool strict)
    {
        if (batch.Has(3))
        {
            throw batch.Reader.Error("compressed record batch bodies (LZ4/ZSTD) are not supported", batch.Position);
        }

        var length = batch.Long(0);
        if (length is < 0 or > int.MaxValue)
        {
            throw batch.Reader.Error($"invalid record batch length {length}", batch.Position);
        }

        var decoder = new BatchDecoder(message, batch, strict);
        var columns = new ArrowColumn[schema.Fields.Count];
        for (var i = 0; i < columns.Length; i++)
        {
            var field = schema.Fields[i];
            ArrowColumn? dictionary = null;
            if (field.Type.Id == ArrowTypeId.Dictionary && !dictionaries.TryGetValue(field.DictionaryId, out dictionary))
            {
                throw new ArrowFormatException($"dictionary {field.DictionaryId} used before it was defined", message.Offset, field.Name);
            }

            columns[i] = decoder.Column(field, (int)length, dictionary);
        }

        return new ArrowRecordBatch(schema, (int)length, columns);
    }

    private ArrowColumn Column(ArrowField field, int batchLength, ArrowColumn? dictionary)
    {
        if (_node >= _nodes.Count)
        {
            throw new ArrowFormatException("record batch has fewer field nodes than the schema has fields", message.Offset, field.Name);
        }

        var nodeAt = _nodes.Start + (16 * _node++);
        var length = _reader.I64(nodeAt);
        var nullCount = _reader.I64(nodeAt + 8);
        if (length < 0 || length > batchLength || nullCount < 0 || nullCount > length)
        {
            throw _reader.Error($"field node length {length} / null count {nullCount} invalid for a batch of {batchLength} rows", nodeAt, field.Name);
        }

        var n = (int)length;
        var validity = Buffer(field, nullCount > 0 ? (n + 7) / 8 : 0, out _);
        var type = field.Type.Id;
        ReadOnlyMemory<byte> values, data = default;
        long valuesOffset;
        ReadOnlyMemory<byte>[] variadic = [];
        switch (type)
        {
            case ArrowTypeId.Bool:
                values = Buffer(field, (n + 7) / 8, out valuesOffset);
                break;
            case ArrowTypeId.Utf8 or ArrowTypeId.LargeUtf8:
                values = Buffer(field, n == 0 ? 0 : (n + 1) * (type == ArrowTypeId.Utf8 ? 4 : 8), out valuesOffset);
                data = Buffer(field, 0, out _);
                break;
            case ArrowTypeId.Utf8View:
                values = Buffer(field, n * 16, out valuesOffset);
                variadic = VariadicBuffers(field);
                break;
            default:
                var width = ArrowType.ByteWidth(type == ArrowTypeId.Dictionary ? field.Type.IndexType : type);
                values = Buffer(field, n * width, out valuesOffset);
                break;
        }

        var column = new ArrowColumn(field, n, (int)nullCount, validity, values, valuesOffset, data, variadic, dictionary);
        if (strict)
        {
            column.Verify();
        }

        return column;
    }

    private ReadOnlyMemory<byte>[] VariadicBuffers(ArrowField field)
    {
        if (_variadic >= _variadicCounts.Count)
        {
            throw _reader.Error("variadicBufferCounts has no entry for a string view column", batch.Position, field.Name);
        }

        var count = _reader.I64(_variadicCounts.Start + (8 * _variadic++));
        if (count < 0 || count > _buffers.Count - _buffer)
        {
            throw _reader.Error($"invalid variadic buffer count {count}", batch.Position, field.Name);
        }

        var buffers = new ReadOnlyMemory<byte>[count];
        for (var i = 0; i < count; i++)
        {
            buffers[i] = Buffer(field, 0, out _);
        }

        return buffers;
    }

    /// <summary>The next body buffer, which must hold at least <paramref name="minimum"/> bytes.</summary>
    private ReadOnlyMemory<byte> Buffer(ArrowField field, long minimum, out long fileOffset)
    {
        if (_buffer >= _buffers.Count)
        {
            throw _reader.Error("record batch has fewer buffers than its fields need", batch.Position, field.Name);
        }

        var at = _buffers.Start + (16 * _buffer++);
        var offset = _reader.I64(at);
        var length = _reader.I64(at + 8);
        var body = message.Body;
        fileOffset = message.BodyOffset + offset;
        if (offset < 0 || length < 0 || offset > body.Length || length > body.Length - offset)
        {
            throw new ArrowFormatException($"buffer {offset}+{length} lies outside the {body.Length}-byte body",
                message.BodyOffset, field.Name);
        }

        if (strict && offset % 8 != 0)
        {
            throw new ArrowFormatException($"buffer at body offset {offset} is not 8-byte aligned", fileOffset, field.Name);
        }

        if (length < minimum)
        {
            throw new ArrowFormatException($"buffer of {length} bytes is too short: {minimum} needed", fileOffset, field.Name);
        }

        return body.Slice((int)offset, (int)length);
    }
}
