using MmReplay.Ingest;

namespace MmReplay.Oracle;

/// <summary>Reads trace files (any format ingest reads) for the oracle, strictly: a bad row is an error naming its line.</summary>
public static class TraceFiles
{
    public static async Task<OracleTrace> LoadAsync(string path, CancellationToken ct = default)
    {
        using ITraceReader reader = TraceReaders.Open(path, TraceReaderOptions.Default with { Strict = true }, null);
        List<TraceEvent> events = await TraceReaders.ReadAllAsync(reader, ct).ConfigureAwait(false);
        return new OracleTrace(TraceName(path), events);
    }

    /// <summary>The file name without its extensions (scenario.csv.gz: scenario).</summary>
    public static string TraceName(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }
}
