namespace MmReplay.Ingest.Csv;

/// <summary>Where each column of trace format v1 is in a file's header (-1 when absent; column order is free).</summary>
public sealed class CsvColumns
{
    public static readonly IReadOnlyList<string> Known = ["time_ns", "cpu", "pid", "tid", "op", "addr", "len", "args"];
    private static readonly string[] Required = ["cpu", "pid", "op"];

    private CsvColumns(IReadOnlyList<string> header, int[] index)
    {
        Header = header;
        TimeNs = index[0];
        Cpu = index[1];
        Pid = index[2];
        Tid = index[3];
        Op = index[4];
        Addr = index[5];
        Len = index[6];
        Args = index[7];
    }

    public IReadOnlyList<string> Header { get; }

    public int Count => Header.Count;

    public int TimeNs { get; }

    public int Cpu { get; }

    public int Pid { get; }

    public int Tid { get; }

    public int Op { get; }

    public int Addr { get; }

    public int Len { get; }

    public int Args { get; }

    /// <summary>Maps a header; an unknown, repeated or missing required column makes the whole file unreadable.</summary>
    public static CsvColumns Resolve(IReadOnlyList<string> header, string file, long headerLine)
    {
        if (header.Count == 0)
        {
            throw new TraceFormatException(file, headerLine, "", "no header row (expected " + string.Join(",", Known) + ")");
        }

        var index = new int[Known.Count];
        Array.Fill(index, -1);
        for (var i = 0; i < header.Count; i++)
        {
            var k = IndexOf(header[i]);
            if (k < 0)
            {
                throw new TraceFormatException(file, headerLine, header[i],
                    "unknown column (known: " + string.Join(",", Known) + ")");
            }

            if (index[k] >= 0)
            {
                throw new TraceFormatException(file, headerLine, header[i], "column given twice");
            }

            index[k] = i;
        }

        foreach (var name in Required)
        {
            if (index[IndexOf(name)] < 0)
            {
                throw new TraceFormatException(file, headerLine, name, "missing required column");
            }
        }

        return new CsvColumns(header, index);
    }

    private static int IndexOf(string name)
    {
        for (var k = 0; k < Known.Count; k++)
        {
            if (string.Equals(Known[k], name, StringComparison.Ordinal))
            {
                return k;
            }
        }

        return -1;
    }
}
