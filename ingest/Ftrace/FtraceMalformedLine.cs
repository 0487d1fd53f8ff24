namespace MmReplay.Ingest.Ftrace;

/// <summary>A line the reader could not parse: where, why, and the text (cut to a readable length).</summary>
public sealed record FtraceMalformedLine(string Source, long Line, string Reason, string Text)
{
    public override string ToString() => $"{Source}:{Line}: {Reason}: {Text}";
}
