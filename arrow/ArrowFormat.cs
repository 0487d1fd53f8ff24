namespace MmReplay.Arrow;

/// <summary>The two IPC framings: random-access file (<c>.arrow</c>, Feather v2) or sequential stream (<c>.arrows</c>).</summary>
public enum ArrowFormat
{
    File,
    Stream,
}
