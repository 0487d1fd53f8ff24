namespace MmReplay.Cli;

/// <summary>When to draw progress on stderr.</summary>
public enum ProgressMode
{
    /// <summary>Only when stderr is a terminal.</summary>
    Auto,
    Always,
    Never,
}
