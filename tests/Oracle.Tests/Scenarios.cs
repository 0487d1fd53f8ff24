using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

/// <summary>The model's scenario suite (traces/scenarios/*.csv), as oracle traces.</summary>
internal static class Scenarios
{
    public static string Directory
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "traces", "scenarios");
                if (System.IO.Directory.Exists(candidate))
                    return candidate;
            }
            throw new DirectoryNotFoundException("traces/scenarios not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Every scenario with at least one executable op (the rest of its ops are reported skipped).</summary>
    public static async Task<List<OracleTrace>> LoadExecutableAsync()
    {
        var traces = new List<OracleTrace>();
        foreach (string csv in System.IO.Directory.GetFiles(Directory, "*.csv").Order(StringComparer.Ordinal))
        {
            OracleTrace trace = await TraceFiles.LoadAsync(csv);
            if (OpListTranslator.Translate(trace.Events).Ops.Count > 0)
                traces.Add(trace with { Name = "scenario " + trace.Name });
        }
        return traces;
    }
}
