using MmReplay.Analyze.Runs;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tests;

/// <summary>A trace of Traces/ replayed end to end through <see cref="ReplayRun"/> into a temporary directory.</summary>
internal sealed class ScenarioRun : IDisposable
{
    private ScenarioRun(string directory, ReplayRunResult result)
    {
        Directory = directory;
        Result = result;
    }

    public string Directory { get; }

    public ReplayRunResult Result { get; }

    public static string TracePath(string name) => Path.Combine(AppContext.BaseDirectory, "Traces", name);

    public static async Task<ScenarioRun> RunAsync(string trace, string preset, string? outputDirectory = null, Func<RunContext, List<IAnalyzer>>? analyzers = null)
    {
        var directory = outputDirectory ?? Path.Combine(Path.GetTempPath(), "mmreplay-analyze-tests", Guid.NewGuid().ToString("n"));
        var options = new ReplayRunOptions
        {
            TracePath = System.IO.Path.IsPathRooted(trace) ? trace : TracePath(trace),
            Targets = [new ReplayTarget(KernelPolicy.Preset(preset), directory)],
            RejectsPath = Path.Combine(directory, "rejects.csv"),
            Cpus = 4,
            Parallelism = 1,
            Analyzers = analyzers ?? AnalyzerSet.Create,
        };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a model loop must fail, not hang
        var results = await ReplayRun.RunAsync(options, timeout.Token);
        return new ScenarioRun(directory, results[0]);
    }

    public TableRows Table(string name) => TableRows.Read(Path.Combine(Directory, name + ".arrow"));

    public double? Metric(string name)
    {
        foreach (var metric in Result.Metrics)
        {
            if (metric.Name == name)
            {
                return metric.Value;
            }
        }

        return null;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp directory is harmless
        }
    }
}
