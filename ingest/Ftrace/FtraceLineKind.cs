namespace MmReplay.Ingest.Ftrace;

/// <summary>What <see cref="FtraceTextReader.TryParseLine"/> found on one line.</summary>
public enum FtraceLineKind : byte
{
    /// <summary>An event line; the record is filled.</summary>
    Event = 0,
    /// <summary>Header, comment, blank, <c>cpus=</c>, <c>CPU n is empty</c>, buffer-started notes: nothing to do.</summary>
    Header = 1,
    /// <summary>A line that announces lost events (ring buffer overrun): counted and reported, the trace has a gap.</summary>
    LostEvents = 2,
    /// <summary>Cut, garbled or otherwise unreadable; the reason says which field.</summary>
    Malformed = 3,
}
