using System.Text;

namespace MmReplay.Analyze.Batch;

/// <summary>
/// Paths of a Hive-partitioned dataset: &lt;dataset&gt;/policy=&lt;p&gt;/trace=&lt;t&gt;/&lt;table&gt;.arrow.
/// Values are percent-encoded outside [A-Za-z0-9._-] (pyarrow's default "uri" segment decoding), so a policy
/// with overrides (linux-4.14+notifier=double) stays one unambiguous path segment.
/// </summary>
public static class DatasetLayout
{
    /// <summary>Folders starting with '_' or '.' are skipped by pyarrow, polars and DuckDB dataset discovery.</summary>
    public const string RejectsFolder = "_rejects";

    public const string WorkFolder = ".work";

    public static string Partition(string dataset, string policy, string trace) =>
        Path.Combine(dataset, "policy=" + Encode(policy), "trace=" + Encode(trace));

    public static string Rejects(string dataset, string trace) => Path.Combine(dataset, RejectsFolder, Encode(trace) + ".csv");

    /// <summary>A partition is complete once its manifest.json exists: it is written last, then the folder is renamed.</summary>
    public static bool IsComplete(string partition) => File.Exists(Path.Combine(partition, "manifest.json"));

    public static string Encode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }

    public static string Decode(string segment) => Uri.UnescapeDataString(segment);
}
