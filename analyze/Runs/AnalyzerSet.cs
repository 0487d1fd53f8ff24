using MmReplay.Analyze.Flushes;

namespace MmReplay.Analyze.Runs;

/// <summary>The analyzers every run attaches, in the order their tables are listed in the manifest.</summary>
public static class AnalyzerSet
{
    public static List<IAnalyzer> Create(RunContext run)
    {
        var analyzers = new List<IAnalyzer>();
        try
        {
            analyzers.Add(new TlbFlushAnalyzer(run));
            return analyzers;
        }
        catch
        {
            foreach (var analyzer in analyzers)
            {
                analyzer.Dispose();
            }

            throw;
        }
    }
}
