using MmReplay.Analyze.Dirty;
using MmReplay.Analyze.Faults;
using MmReplay.Analyze.Flushes;
using MmReplay.Analyze.Hazards;
using MmReplay.Analyze.Notifications;
using MmReplay.Analyze.Observations;

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
            analyzers.Add(new FaultAnalyzer(run));
            analyzers.Add(new ObservationAnalyzer(run));
            analyzers.Add(new DirtyAccuracyAnalyzer(run));
            analyzers.Add(new NotificationAnalyzer(run));
            analyzers.Add(new HazardAnalyzer(run));
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
