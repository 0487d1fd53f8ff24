using System.Buffers.Text;
using System.IO.Compression;
using System.Text;

namespace MmReplay.Ingest.Io;

/// <summary>
/// An opened trace input: file or standard input ("-"), gzip undone when its magic bytes say so, the format
/// detected, the leading header comments read (page_size=N, the format version), and the end checked:
/// a gzip member that stops before its trailer and a text that stops mid-line are told apart from a clean end.
/// </summary>
public sealed class TraceInput : IDisposable
{
    public const int DefaultPageSize = 4096;
    private const int HeadBytes = 64 * 1024;
    private static readonly byte[] GzipMagic = [0x1f, 0x8b];
    private static readonly byte[] ArrowMagic = "ARROW1"u8.ToArray();

    private readonly TailStream _raw;
    private readonly TailStream? _decoded;

    private TraceInput(string path, string displayName, TailStream raw, TailStream? decoded, PeekStream stream, long? length)
    {
        Path = path;
        DisplayName = displayName;
        _raw = raw;
        _decoded = decoded;
        Stream = stream;
        Length = length;
    }

    public string Path { get; }

    /// <summary>The name used in messages and rejects: the path, or "&lt;stdin&gt;".</summary>
    public string DisplayName { get; }

    /// <summary>The (decompressed) content, from its first byte.</summary>
    public PeekStream Stream { get; }

    public bool Gzip => _decoded is not null;

    public long? Length { get; }

    public TraceFormat Format { get; private set; }

    public int PageSize { get; private set; } = DefaultPageSize;

    /// <summary>Bytes of the input consumed so far (compressed bytes for gzip).</summary>
    public long BytesRead => _raw.Position64;

    /// <summary>Whether the content read so far ends with a line break (call at the end).</summary>
    public bool EndsWithLineBreak
    {
        get
        {
            var last = (_decoded ?? _raw).LastByte;
            return last is '\n' or '\r' or -1;
        }
    }

    /// <summary>Opens <paramref name="path"/> ("-" for standard input) and reads its head. Throws FileNotFoundException and the like as is.</summary>
    public static TraceInput Open(string path)
    {
        var stdin = path == "-";
        Stream source = stdin
            ? Console.OpenStandardInput()
            : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        long? length = stdin ? null : source.Length;
        var raw = new TailStream(source);
        var sniff = new PeekStream(raw);
        TailStream? decoded = null;
        PeekStream content = sniff;
        if (sniff.Peek(2).SequenceEqual(GzipMagic))
        {
            decoded = new TailStream(new GZipStream(sniff, CompressionMode.Decompress));
            content = new PeekStream(decoded);
        }

        var input = new TraceInput(path, stdin ? "<stdin>" : path, raw, decoded, content, length);
        try
        {
            input.ReadHead();
        }
        catch
        {
            input.Dispose();
            throw;
        }

        return input;
    }

    /// <summary>
    /// Throws when a gzip input ended before its member did. .NET's GZipStream returns a clean end of stream on a
    /// truncated file, so the decoded size is compared with the member's ISIZE trailer (size mod 2^32, the last four
    /// bytes): a cut file ends in compressed data, which matches by chance with odds of 1 in 2^32.
    /// </summary>
    public void CheckComplete()
    {
        if (_decoded is null)
        {
            return;
        }

        var isize = (uint)(_raw.Tail >> 32);
        if (_raw.Position64 < 18 || isize != (uint)_decoded.Position64)
        {
            throw new TraceFormatException(DisplayName, 0, "",
                $"truncated gzip: the compressed stream ends early ({_decoded.Position64} bytes decoded)");
        }
    }

    public void Dispose() => Stream.Dispose();

    private void ReadHead()
    {
        var head = Stream.Peek(HeadBytes);
        Format = DetectFormat(head);
        if (Format == TraceFormat.Csv)
        {
            ReadHeaderComments(head);
        }
    }

    private TraceFormat DetectFormat(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith(ArrowMagic))
        {
            return TraceFormat.Arrow;
        }

        var name = Path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? Path[..^3] : Path;
        if (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
        {
            return TraceFormat.Csv;
        }

        if (head.Length == 0 && name.EndsWith(".arrow", StringComparison.OrdinalIgnoreCase))
        {
            return TraceFormat.Arrow;
        }

        // ftrace output starts with "# tracer:" (trace file), "cpus=N" (trace-cmd report) or with task lines
        // "comm-pid [cpu] ..." (trace_pipe); a CSV trace's first non-comment line is its comma-separated header.
        if (head.StartsWith("# tracer:"u8) || Ftrace.FtraceTextReader.Sniff(head))
        {
            return TraceFormat.Ftrace;
        }

        var first = FirstDataLine(head);
        return first.IndexOf((byte)',') < 0 && first.IndexOf("] "u8) > 0 ? TraceFormat.Ftrace : TraceFormat.Csv;
    }

    private static ReadOnlySpan<byte> FirstDataLine(ReadOnlySpan<byte> text)
    {
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            if (!line.IsEmpty && line[0] != '#' && !line.Trim("\r "u8).IsEmpty)
            {
                return line;
            }

            text = end < 0 ? default : text[(end + 1)..];
        }

        return default;
    }

    /// <summary>The comment lines before the header: <c>mmreplay-trace vN</c> and <c>page_size=N</c>, anywhere in them.</summary>
    private void ReadHeaderComments(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("\xEF\xBB\xBF"u8))
        {
            head = head[3..];
        }

        long line = 0;
        while (!head.IsEmpty && head[0] == '#')
        {
            line++;
            var end = head.IndexOf((byte)'\n');
            var comment = end < 0 ? head : head[..end];
            head = end < 0 ? default : head[(end + 1)..];
            var previous = ReadOnlySpan<byte>.Empty;
            foreach (var range in comment.Split((byte)' '))
            {
                var word = comment[range].TrimEnd("\r"u8);
                ReadHeaderWord(previous, word, line);
                previous = word;
            }
        }
    }

    private void ReadHeaderWord(ReadOnlySpan<byte> previous, ReadOnlySpan<byte> word, long line)
    {
        if (word.StartsWith("page_size="u8))
        {
            var value = word["page_size="u8.Length..];
            if (!Utf8Parser.TryParse(value, out int size, out var used) || used != value.Length
                || size < 512 || (size & (size - 1)) != 0)
            {
                throw new TraceFormatException(DisplayName, line, "",
                    $"bad page_size '{Encoding.UTF8.GetString(value)}' (a power of two, at least 512)");
            }

            PageSize = size;
        }
        else if (previous.SequenceEqual("mmreplay-trace"u8) && !word.SequenceEqual("v1"u8))
        {
            throw new TraceFormatException(DisplayName, line, "",
                $"unsupported trace format version '{Encoding.UTF8.GetString(word)}' (this reader knows v1)");
        }
    }
}
