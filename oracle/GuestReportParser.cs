using System.Globalization;

namespace MmReplay.Oracle;

/// <summary>
/// Parses the guest's result port. One record per line (docs/oracle.md, "Result lines"):
/// <c>K release</c>, <c>B index name</c>, <c>O line pid kind addr value faults</c> (addr and value in hex),
/// <c>E index status</c>, <c>F ftrace-line</c>, <c>Z</c>. Carriage returns from the tty are ignored.
/// </summary>
public static class GuestReportParser
{
    public static GuestReport Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        string? release = null;
        var runs = new List<TraceRun>();
        var ftrace = new List<string>();
        var observations = new List<KernelObservation>();
        int index = -1;
        string name = "";
        bool finished = false;
        int lineNumber = 0;
        for (string? raw = reader.ReadLine(); raw is not null; raw = reader.ReadLine())
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
                continue;
            string rest = line.Length > 2 ? line[2..] : "";
            switch (line[0])
            {
                case 'K':
                    release = rest;
                    break;
                case 'B':
                    if (index >= 0)
                        runs.Add(new TraceRun(index, name, observations.ToArray(), exitStatus: null));
                    string[] begin = Fields(rest, 2, lineNumber);
                    index = ParseInt(begin[0], lineNumber, "index");
                    name = begin[1];
                    observations.Clear();
                    break;
                case 'O':
                    if (index < 0)
                        throw Bad(lineNumber, "observation outside a trace");
                    observations.Add(ParseObservation(rest, lineNumber));
                    break;
                case 'E':
                    string[] end = Fields(rest, 2, lineNumber);
                    if (ParseInt(end[0], lineNumber, "index") != index)
                        throw Bad(lineNumber, $"end of trace {end[0]} while trace {index} runs");
                    runs.Add(new TraceRun(index, name, observations.ToArray(), ParseInt(end[1], lineNumber, "status")));
                    observations.Clear();
                    index = -1;
                    break;
                case 'F':
                    ftrace.Add(rest);
                    break;
                case 'Z':
                    finished = true;
                    break;
                default:
                    throw Bad(lineNumber, $"unknown record '{line}'");
            }
        }
        if (index >= 0)
            runs.Add(new TraceRun(index, name, observations.ToArray(), exitStatus: null));
        return new GuestReport(release, runs, ftrace, finished);
    }

    /// <summary>Parses the part of an <c>O</c> line after the tag: <c>line pid kind addr value faults</c>.</summary>
    public static KernelObservation ParseObservation(string fields, int lineNumber)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string[] f = Fields(fields, 6, lineNumber);
        return new KernelObservation(
            ParseLong(f[0], lineNumber, "line"),
            ParseInt(f[1], lineNumber, "pid"),
            ParseKind(f[2], lineNumber),
            ParseHex(f[3], lineNumber, "addr"),
            ParseHex(f[4], lineNumber, "value"),
            ParseInt(f[5], lineNumber, "faults"));
    }

    private static ObservationKind ParseKind(string word, int lineNumber) => word switch
    {
        "read" => ObservationKind.Read,
        "write" => ObservationKind.Write,
        "pagemap" => ObservationKind.Pagemap,
        "segv" => ObservationKind.Segv,
        "error" => ObservationKind.Error,
        "dma_read" => ObservationKind.DmaRead,
        "scan" => ObservationKind.Scan,
        _ => throw Bad(lineNumber, $"unknown observation kind '{word}'"),
    };

    private static string[] Fields(string text, int count, int lineNumber)
    {
        string[] fields = text.Split(' ', count, StringSplitOptions.None);
        if (fields.Length != count)
            throw Bad(lineNumber, $"expected {count} fields in '{text}'");
        return fields;
    }

    private static int ParseInt(string text, int lineNumber, string field) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value)
            ? value : throw Bad(lineNumber, $"bad {field} '{text}'");

    private static long ParseLong(string text, int lineNumber, string field) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)
            ? value : throw Bad(lineNumber, $"bad {field} '{text}'");

    private static ulong ParseHex(string text, int lineNumber, string field) =>
        ulong.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
            ? value : throw Bad(lineNumber, $"bad {field} '{text}'");

    private static FormatException Bad(int lineNumber, string message) =>
        new($"guest report line {lineNumber}: {message}");
}
