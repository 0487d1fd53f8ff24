using System.Text.Json;
using MmReplay.Analyze.Batch;

namespace MmReplay.Analyze.Compare;

/// <summary>The metrics of every complete partition of a dataset, read from the partition manifests.</summary>
public sealed class DatasetMetrics
{
    private readonly Dictionary<(string Policy, string Trace), Dictionary<string, double>> _values = [];

    private DatasetMetrics()
    {
    }

    /// <summary>Policies in first-seen order (partitions are read in ordinal path order).</summary>
    public List<string> Policies { get; } = [];

    public List<string> Traces { get; } = [];

    public List<string> Metrics { get; } = [];

    public ulong Seed { get; private set; }

    public static DatasetMetrics Read(string dataset)
    {
        var metrics = new DatasetMetrics();
        var partitions = DatasetManifest.Partitions(dataset);
        if (partitions.Count == 0)
        {
            throw new DirectoryNotFoundException($"{dataset}: no complete partition (policy=<p>/trace=<t>/manifest.json)");
        }

        foreach (var partition in partitions)
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(partition, "manifest.json")));
            var root = document.RootElement;
            var policy = root.GetProperty("policy").GetProperty("name").GetString()!;
            var trace = root.GetProperty("trace").GetProperty("name").GetString()!;
            metrics.Seed = root.GetProperty("seed").GetUInt64();
            AddOnce(metrics.Policies, policy);
            AddOnce(metrics.Traces, trace);
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var metric in root.GetProperty("metrics").EnumerateObject())
            {
                AddOnce(metrics.Metrics, metric.Name);
                values[metric.Name] = metric.Value.GetDouble();
            }

            metrics._values[(policy, trace)] = values;
        }

        metrics.Traces.Sort(StringComparer.Ordinal);
        return metrics;
    }

    public bool TryGet(string policy, string trace, string metric, out double value)
    {
        value = 0;
        return _values.TryGetValue((policy, trace), out var values) && values.TryGetValue(metric, out value);
    }

    private static void AddOnce(List<string> list, string item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }
}
