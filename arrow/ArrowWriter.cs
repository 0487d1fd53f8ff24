using System.Buffers.Binary;
using System.Text;
using MmReplay.Arrow.FlatBuffers;

namespace MmReplay.Arrow;

/// <summary>
/// Writes an Arrow IPC file or stream row by row with bounded memory: append to each column's builder,
/// call <see cref="EndRow"/>, and every <see cref="ArrowWriterOptions.BatchRows"/> rows a record batch is
/// written and the builders are reused. <see cref="Complete"/> finishes the output (for a path: renames the
/// temporary file into place); disposing without completing abandons it. Output bytes depend only on the
/// schema, options and appended values. Works on non-seekable streams.
/// </summary>
public sealed class ArrowWriter : IDisposable
{
    private static readonly byte[] Padding = new byte[64];
    private static readonly byte[] FileMagic = "ARROW1\0\0"u8.ToArray();

    private readonly Stream _output;
    private readonly AtomicFile? _file;
    private readonly bool _leaveOpen;
    private readonly ArrowColumnBuilder[] _columns;
    private readonly FbSerializer _serializer = new();
    private readonly List<FileBlock> _dictionaryBlocks = [];
    private readonly List<FileBlock> _batchBlocks = [];
    private long _position;
    private bool _started;
    private bool _completed;
    private bool _disposed;

    public ArrowWriter(Stream output, ArrowSchema schema, ArrowWriterOptions? options = null, bool leaveOpen = false)
        : this(output, null, schema, options, leaveOpen)
    {
    }

    private ArrowWriter(Stream output, AtomicFile? file, ArrowSchema schema, ArrowWriterOptions? options, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(schema);
        Options = options ?? new ArrowWriterOptions();
        if (Options.BatchRows < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.BatchRows, "BatchRows must be at least 1");
        }

        if (Options.Alignment is not (8 or 64))
        {
            throw new ArgumentOutOfRangeException(nameof(options), Options.Alignment, "Alignment must be 8 or 64");
        }

        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the Arrow writer copies memory as little-endian");
        }

        _output = output;
        _file = file;
        _leaveOpen = leaveOpen;
        Schema = schema;
        _columns = new ArrowColumnBuilder[schema.Fields.Count];
        for (var i = 0; i < _columns.Length; i++)
        {
            _columns[i] = CreateBuilder(schema.Fields[i], Options.BatchRows);
        }
    }

    public ArrowSchema Schema { get; }

    public ArrowWriterOptions Options { get; }

    /// <summary>Rows completed so far (written or pending).</summary>
    public long RowCount { get; private set; }

    /// <summary>Rows ended but not yet written as a record batch.</summary>
    public int PendingRows { get; private set; }

    public int BatchesWritten { get; private set; }

    /// <summary>Bytes written to the output so far.</summary>
    public long BytesWritten => _position;

    /// <summary>
    /// Write to <paramref name="path"/> through a temporary file renamed on <see cref="Complete"/>.
    /// With no options, a path ending in <c>.arrows</c> gets the stream format, anything else the file format.
    /// </summary>
    public static ArrowWriter Create(string path, ArrowSchema schema, ArrowWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new ArrowWriterOptions
        {
            Format = path.EndsWith(".arrows", StringComparison.OrdinalIgnoreCase) ? ArrowFormat.Stream : ArrowFormat.File,
        };
        var file = AtomicFile.Create(path);
        try
        {
            return new ArrowWriter(file.Stream, file, schema, options, leaveOpen: true);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public ArrowColumnBuilder Column(int column) => _columns[column];

    /// <summary>Column index by name (look it up once, outside the row loop).</summary>
    public int ColumnIndex(string name)
    {
        var index = Schema.IndexOf(name);
        return index >= 0 ? index : throw new ArgumentException($"no column named '{name}'", nameof(name));
    }

    public BoolColumnBuilder Bool(int column) => Typed<BoolColumnBuilder>(column, ArrowTypeId.Bool);

    public PrimitiveColumnBuilder<sbyte> Int8(int column) => Typed<PrimitiveColumnBuilder<sbyte>>(column, ArrowTypeId.Int8);

    public PrimitiveColumnBuilder<short> Int16(int column) => Typed<PrimitiveColumnBuilder<short>>(column, ArrowTypeId.Int16);

    public PrimitiveColumnBuilder<int> Int32(int column) => Typed<PrimitiveColumnBuilder<int>>(column, ArrowTypeId.Int32);

    public PrimitiveColumnBuilder<long> Int64(int column) => Typed<PrimitiveColumnBuilder<long>>(column, ArrowTypeId.Int64);

    public PrimitiveColumnBuilder<byte> UInt8(int column) => Typed<PrimitiveColumnBuilder<byte>>(column, ArrowTypeId.UInt8);

    public PrimitiveColumnBuilder<ushort> UInt16(int column) => Typed<PrimitiveColumnBuilder<ushort>>(column, ArrowTypeId.UInt16);

    public PrimitiveColumnBuilder<uint> UInt32(int column) => Typed<PrimitiveColumnBuilder<uint>>(column, ArrowTypeId.UInt32);

    public PrimitiveColumnBuilder<ulong> UInt64(int column) => Typed<PrimitiveColumnBuilder<ulong>>(column, ArrowTypeId.UInt64);

    public PrimitiveColumnBuilder<float> Float32(int column) => Typed<PrimitiveColumnBuilder<float>>(column, ArrowTypeId.Float32);

    public PrimitiveColumnBuilder<double> Float64(int column) => Typed<PrimitiveColumnBuilder<double>>(column, ArrowTypeId.Float64);

    /// <summary>Timestamps as counts of the field's unit since the Unix epoch.</summary>
    public PrimitiveColumnBuilder<long> Timestamp(int column) => Typed<PrimitiveColumnBuilder<long>>(column, ArrowTypeId.Timestamp);

    public Utf8ColumnBuilder Utf8(int column) => Typed<Utf8ColumnBuilder>(column, ArrowTypeId.Utf8);

    public DictionaryColumnBuilder Dictionary(int column) => Typed<DictionaryColumnBuilder>(column, ArrowTypeId.Dictionary);

    /// <summary>Close the current row: every column must hold exactly one more value. Flushes a full batch.</summary>
    public void EndRow() => EndRows(1);

    /// <summary>Close <paramref name="count"/> rows appended column by column.</summary>
    public void EndRows(int count)
    {
        ThrowIfFinished();
        var rows = PendingRows + count;
        foreach (var column in _columns)
        {
            if (column.Count != rows)
            {
                throw new InvalidOperationException(
                    $"row {RowCount + count - 1}: column '{column.Field.Name}' has {column.Count} values in the pending batch, expected {rows}");
            }
        }

        PendingRows = rows;
        RowCount += count;
        if (rows >= Options.BatchRows)
        {
            Flush();
        }
    }

    /// <summary>Write the pending rows as a record batch now (nothing happens when there are none).</summary>
    public void Flush()
    {
        ThrowIfFinished();
        if (PendingRows == 0)
        {
            return;
        }

        WriteHeaderOnce();
        WriteRecordBatch(PendingRows);
        foreach (var column in _columns)
        {
            column.Reset();
        }

        PendingRows = 0;
    }

    /// <summary>Write the last batch, the end-of-stream marker and (file format) the footer; commit a path output.</summary>
    public void Complete()
    {
        ThrowIfFinished();
        foreach (var column in _columns)
        {
            if (column.Count != PendingRows)
            {
                throw new InvalidOperationException(
                    $"column '{column.Field.Name}' has values appended after the last EndRow(); end or drop the row before Complete()");
            }
        }

        Flush();
        WriteHeaderOnce();
        WriteBytes([0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0]); // end of stream
        if (Options.Format == ArrowFormat.File)
        {
            var footer = _serializer.Serialize(MetadataWriter.Footer(Schema, _dictionaryBlocks, _batchBlocks));
            WriteBytes(footer);
            Span<byte> length = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(length, footer.Length);
            WriteBytes(length);
            WriteBytes("ARROW1"u8);
        }

        _output.Flush();
        _completed = true;
        _file?.Commit();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _file?.Dispose(); // deletes the temporary file unless Complete() committed it
        if (!_leaveOpen)
        {
            _output.Dispose();
        }
    }

    private static ArrowColumnBuilder CreateBuilder(ArrowField field, int capacity) => field.Type.Id switch
    {
        ArrowTypeId.Bool => new BoolColumnBuilder(field, capacity),
        ArrowTypeId.Int8 => new PrimitiveColumnBuilder<sbyte>(field, capacity),
        ArrowTypeId.Int16 => new PrimitiveColumnBuilder<short>(field, capacity),
        ArrowTypeId.Int32 => new PrimitiveColumnBuilder<int>(field, capacity),
        ArrowTypeId.Int64 or ArrowTypeId.Timestamp => new PrimitiveColumnBuilder<long>(field, capacity),
        ArrowTypeId.UInt8 => new PrimitiveColumnBuilder<byte>(field, capacity),
        ArrowTypeId.UInt16 => new PrimitiveColumnBuilder<ushort>(field, capacity),
        ArrowTypeId.UInt32 => new PrimitiveColumnBuilder<uint>(field, capacity),
        ArrowTypeId.UInt64 => new PrimitiveColumnBuilder<ulong>(field, capacity),
        ArrowTypeId.Float32 => new PrimitiveColumnBuilder<float>(field, capacity),
        ArrowTypeId.Float64 => new PrimitiveColumnBuilder<double>(field, capacity),
        ArrowTypeId.Utf8 => new Utf8ColumnBuilder(field, capacity),
        ArrowTypeId.Dictionary when field.Type.IndexType == ArrowTypeId.Int32 && field.Type.ValueType == ArrowTypeId.Utf8
            => new DictionaryColumnBuilder(field, capacity),
        _ => throw new NotSupportedException($"field '{field.Name}': the writer does not produce {field.Type}"),
    };

    private T Typed<T>(int column, ArrowTypeId expected)
        where T : ArrowColumnBuilder
    {
        var builder = _columns[column];
        return builder.Field.Type.Id == expected && builder is T typed
            ? typed
            : throw new InvalidOperationException($"column {column} '{builder.Field.Name}' is {builder.Field.Type}, not {expected}");
    }

    private void ThrowIfFinished()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_completed)
        {
            throw new InvalidOperationException("the Arrow output is already complete");
        }
    }

    /// <summary>Magic, schema and the dictionaries, which must precede the first record batch.</summary>
    private void WriteHeaderOnce()
    {
        if (_started)
        {
            return;
        }

        _started = true;
        if (Options.Format == ArrowFormat.File)
        {
            WriteBytes(FileMagic);
        }

        WriteMessage(MetadataWriter.Message(TypeCodes.HeaderSchema, MetadataWriter.Schema(Schema), 0), 0);
        long id = 0;
        foreach (var column in _columns)
        {
            if (column is DictionaryColumnBuilder dictionary)
            {
                dictionary.Freeze();
                WriteDictionary(id++, dictionary.Values);
            }
        }
    }

    private void WriteDictionary(long id, IReadOnlyList<string> values)
    {
        var offsets = new int[values.Count + 1];
        using var data = new MemoryStream();
        for (var i = 0; i < values.Count; i++)
        {
            var bytes = Encoding.UTF8.GetBytes(values[i]);
            data.Write(bytes);
            offsets[i + 1] = checked((int)data.Length);
        }

        var offsetBytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(offsets.AsSpan()).ToArray();
        var dataBytes = data.ToArray();
        var nodes = new byte[16];
        BinaryPrimitives.WriteInt64LittleEndian(nodes, values.Count);
        var buffers = new byte[48];
        var bodyLength = 0L;
        Describe(buffers, 0, ref bodyLength, 0);
        Describe(buffers, 1, ref bodyLength, offsetBytes.Length);
        Describe(buffers, 2, ref bodyLength, dataBytes.Length);
        var header = MetadataWriter.DictionaryBatch(id, MetadataWriter.RecordBatch(values.Count, nodes, buffers));
        var block = WriteMessage(MetadataWriter.Message(TypeCodes.HeaderDictionaryBatch, header, bodyLength), bodyLength);
        WritePadded(offsetBytes);
        WritePadded(dataBytes);
        _dictionaryBlocks.Add(block);
    }

    private void WriteRecordBatch(int rows)
    {
        var bufferCount = 0;
        foreach (var column in _columns)
        {
            bufferCount += column.BufferCount;
        }

        // Pass 1: the layout, which the metadata (written before the body) must describe.
        var nodes = new byte[16 * _columns.Length];
        var buffers = new byte[16 * bufferCount];
        var bodyLength = 0L;
        var slot = 0;
        for (var c = 0; c < _columns.Length; c++)
        {
            var column = _columns[c];
            BinaryPrimitives.WriteInt64LittleEndian(nodes.AsSpan(16 * c), rows);
            BinaryPrimitives.WriteInt64LittleEndian(nodes.AsSpan((16 * c) + 8), column.NullCount);
            for (var b = 0; b < column.BufferCount; b++)
            {
                Describe(buffers, slot++, ref bodyLength, column.GetBuffer(b).Length);
            }
        }

        var header = MetadataWriter.RecordBatch(rows, nodes, buffers);
        var block = WriteMessage(MetadataWriter.Message(TypeCodes.HeaderRecordBatch, header, bodyLength), bodyLength);

        // Pass 2: the body, straight from the builders' arrays.
        foreach (var column in _columns)
        {
            for (var b = 0; b < column.BufferCount; b++)
            {
                WritePadded(column.GetBuffer(b));
            }
        }

        _batchBlocks.Add(block);
        BatchesWritten++;
    }

    /// <summary>Record a body buffer (offset, real length) and advance by its padded length.</summary>
    private void Describe(byte[] buffers, int slot, ref long bodyLength, int length)
    {
        BinaryPrimitives.WriteInt64LittleEndian(buffers.AsSpan(16 * slot), bodyLength);
        BinaryPrimitives.WriteInt64LittleEndian(buffers.AsSpan((16 * slot) + 8), length);
        bodyLength += AlignUp(length);
    }

    /// <summary>Continuation marker, metadata length, padded metadata; the caller writes the body.</summary>
    private FileBlock WriteMessage(FbTable message, long bodyLength)
    {
        var start = _position;
        var metadata = _serializer.Serialize(message);

        // Pad the metadata so the body starts at a multiple of the alignment (8 at the very least).
        var padded = (int)AlignUp(start + 8 + metadata.Length) - (int)(start + 8);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(prefix, -1);
        BinaryPrimitives.WriteInt32LittleEndian(prefix[4..], padded);
        WriteBytes(prefix);
        WriteBytes(metadata);
        WriteBytes(Padding.AsSpan(0, padded - metadata.Length));
        return new FileBlock(start, 8 + padded, bodyLength);
    }

    private void WritePadded(ReadOnlySpan<byte> buffer)
    {
        WriteBytes(buffer);
        WriteBytes(Padding.AsSpan(0, (int)(AlignUp(buffer.Length) - buffer.Length)));
    }

    private long AlignUp(long value) => (value + Options.Alignment - 1) & -Options.Alignment;

    private void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }
}
