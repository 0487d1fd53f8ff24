namespace MmReplay.Ingest;

/// <summary>
/// The input cannot be read as a trace at all (bad header, unknown column, truncated gzip, unsupported version):
/// a data error (exit code 65) whatever --strict says. The message names the file, the line and the column.
/// </summary>
public class TraceFormatException : Exception
{
    public TraceFormatException(string file, long line, string column, string reason)
        : base(Format(file, line, column, reason))
    {
        File = file;
        Line = line;
        Column = column;
        Reason = reason;
    }

    public TraceFormatException()
        : this("", 0, "", "bad trace")
    {
    }

    public TraceFormatException(string message)
        : base(message)
    {
        File = Column = "";
        Reason = message;
    }

    public TraceFormatException(string message, Exception inner)
        : base(message, inner)
    {
        File = Column = "";
        Reason = message;
    }

    public string File { get; }

    /// <summary>1-based line; 0 when the problem is the file as a whole (e.g. a truncated gzip).</summary>
    public long Line { get; }

    public string Column { get; }

    public string Reason { get; }

    private static string Format(string file, long line, string column, string reason) =>
        line == 0 ? $"{file}: {reason}" : new Rejection(file, line, column, reason, "").ToString();
}
