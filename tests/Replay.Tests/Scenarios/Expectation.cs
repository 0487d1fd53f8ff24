namespace MmReplay.Replay.Tests.Scenarios;

/// <summary>One expected observation: what trace line <see cref="TraceLine"/> must produce, and why (the cite).</summary>
public sealed record Expectation(int TraceLine, string Check, string[] Args, string Cite, int ExpectLine)
{
    public override string ToString() => $"expect line {ExpectLine}: @{TraceLine} {Check} {string.Join(' ', Args)}  # {Cite}";
}
