using MmReplay.Analyze.Runs;
using MmReplay.Replay.Engine;

namespace MmReplay.Analyze;

/// <summary>
/// Turns the effect stream into tables. Sees effects only, never the model; keeps bounded state and
/// streams its rows to Arrow as it goes. <see cref="Complete"/> writes what remains and commits the files;
/// disposing without completing leaves no file behind.
/// </summary>
public interface IAnalyzer : IEffectObserver, IDisposable
{
    /// <summary>Finish: write summary rows, commit the table files, return what was written.</summary>
    IReadOnlyList<TableEntry> Complete();

    /// <summary>Headline numbers for the terminal summary and comparisons (valid after <see cref="Complete"/>).</summary>
    IReadOnlyList<Metric> Metrics { get; }
}
