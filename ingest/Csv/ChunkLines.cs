using System.Text;

namespace MmReplay.Ingest.Csv;

/// <summary>
/// Finds a line's text in a chunk by its line number, moving forward only: the rows the stitcher rejects come in
/// line order, so quoting all of a chunk's costs one pass at most. Chunks hold no quoted fields, so a row is a line.
/// </summary>
public sealed class ChunkLines(ChunkOutput chunk)
{
    private long _line = 1;
    private int _start;

    public string Text(long line)
    {
        var text = chunk.Text;
        if (line < _line)
        {
            (_line, _start) = (1, 0);
        }

        while (_line < line)
        {
            var next = text[_start..].IndexOf((byte)'\n');
            if (next < 0)
            {
                return "";
            }

            _start += next + 1;
            _line++;
        }

        var rest = text[_start..];
        var end = rest.IndexOf((byte)'\n');
        return Encoding.UTF8.GetString(end < 0 ? rest : rest[..end]);
    }
}
