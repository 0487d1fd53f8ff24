using System.Text.Json;
using MmReplay.Analyze.Runs;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Batch;

/// <summary>
/// manifest.json at the dataset root, rebuilt from the complete partitions (sorted), so shards written into
/// one folder, resumed batches and single runs all end with the same bytes.
/// </summary>
public static class DatasetManifest
{
    public static void Write(string dataset)
    {
        var partitions = Partitions(dataset);
        AtomicFile.Write(Path.Combine(dataset, "manifest.json"), stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", "mmreplay-dataset-manifest v1");
            json.WriteString("layout", "policy=<policy>/trace=<trace>/<table>.arrow");
            json.WriteString("tool_version", ReplayRun.ToolVersion);
            json.WriteStartArray("partitions");
            foreach (var partition in partitions)
            {
                using var run = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(partition, "manifest.json")));
                var root = run.RootElement;
                json.WriteStartObject();
                json.WriteString("path", Path.GetRelativePath(dataset, partition).Replace('\\', '/'));
                json.WriteString("policy", root.GetProperty("policy").GetProperty("name").GetString());
                json.WriteString("trace", root.GetProperty("trace").GetProperty("name").GetString());
                json.WriteString("trace_sha256", root.GetProperty("trace").GetProperty("sha256").GetString());
                json.WritePropertyName("rows");
                root.GetProperty("rows").WriteTo(json);
                json.WritePropertyName("metrics");
                root.GetProperty("metrics").WriteTo(json);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.Flush();
            stream.Write("\n"u8);
        });
    }

    /// <summary>Complete partition folders of the dataset, in ordinal path order.</summary>
    public static List<string> Partitions(string dataset)
    {
        var found = new List<string>();
        if (!Directory.Exists(dataset))
        {
            return found;
        }

        foreach (var policy in Directory.GetDirectories(dataset, "policy=*"))
        {
            foreach (var trace in Directory.GetDirectories(policy, "trace=*"))
            {
                if (DatasetLayout.IsComplete(trace))
                {
                    found.Add(trace);
                }
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }
}
