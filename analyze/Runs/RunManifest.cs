using System.Text;
using System.Text.Json;

namespace MmReplay.Analyze.Runs;

/// <summary>
/// manifest.json of one run: what went in (with sha256), under which policy (every knob), and where every
/// row went. It holds nothing time- or machine-dependent, so the same run gives the same bytes; wall time
/// goes to timing.json beside it.
/// </summary>
public sealed class RunManifest
{
    public required string ToolVersion { get; init; }

    public required TraceInput Trace { get; init; }

    public required string Policy { get; init; }

    /// <summary>Every knob of the policy, name to value, in the policy's own order.</summary>
    public required IReadOnlyList<KeyValuePair<string, string>> Knobs { get; init; }

    public required ulong Seed { get; init; }

    public required RowAccounting Rows { get; init; }

    /// <summary>Headline numbers of the run (what `mmreplay compare` reads).</summary>
    public required IReadOnlyList<Metric> Metrics { get; init; }

    /// <summary>Table name to (file, rows), in the order they were written.</summary>
    public required IReadOnlyList<TableEntry> Tables { get; init; }

    public void WriteTo(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("format", "mmreplay-run-manifest v1");
        json.WriteStartObject("tool");
        json.WriteString("name", "mmreplay");
        json.WriteString("version", ToolVersion);
        json.WriteEndObject();

        json.WriteStartObject("trace");
        json.WriteString("name", Trace.Name);
        json.WriteString("path", Trace.Path);
        json.WriteString("format", Trace.Format);
        json.WriteNumber("bytes", Trace.Bytes);
        json.WriteString("sha256", Trace.Sha256);
        json.WriteEndObject();

        json.WriteStartObject("policy");
        json.WriteString("name", Policy);
        json.WriteStartObject("knobs");
        foreach (var (knob, value) in Knobs)
        {
            json.WriteString(knob, value);
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteNumber("seed", Seed);

        json.WriteStartObject("rows");
        json.WriteNumber("read", Rows.Read);
        json.WriteNumber("rejected", Rows.Rejected);
        json.WriteNumber("ignored", Rows.Ignored);
        json.WriteNumber("events", Rows.Events);
        json.WriteNumber("replayed", Rows.Replayed);
        json.WriteNumber("recorded", Rows.Recorded);
        json.WriteNumber("not_modelled", Rows.NotModelled);
        json.WriteStartObject("not_modelled_by_op");
        foreach (var (op, count) in Rows.NotModelledByOp)
        {
            json.WriteNumber(op, count);
        }

        json.WriteEndObject();
        json.WriteNumber("effects", Rows.Effects);
        json.WriteEndObject();

        json.WriteStartObject("metrics");
        foreach (var metric in Metrics)
        {
            json.WriteNumber(metric.Name, metric.Value);
        }

        json.WriteEndObject();

        json.WriteStartObject("tables");
        foreach (var table in Tables)
        {
            json.WriteStartObject(table.Name);
            json.WriteString("file", table.File);
            json.WriteNumber("rows", table.Rows);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        json.Flush();
        stream.Write("\n"u8);
    }

    public override string ToString()
    {
        using var buffer = new MemoryStream();
        WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>The input file of a run.</summary>
public sealed record TraceInput(string Name, string Path, string Format, long Bytes, string Sha256);

/// <summary>
/// Where every input row went: read = rejected + ignored + events (ignored: ftrace lines that carry no op,
/// such as headers and lock events; always 0 for CSV and Arrow traces); events = replayed + recorded + not modelled.
/// </summary>
public sealed record RowAccounting(
    long Read,
    long Rejected,
    long Ignored,
    long Events,
    long Replayed,
    long Recorded,
    long NotModelled,
    IReadOnlyList<KeyValuePair<string, long>> NotModelledByOp,
    long Effects);

/// <summary>One Arrow table written by a run.</summary>
public sealed record TableEntry(string Name, string File, long Rows);
