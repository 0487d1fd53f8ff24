namespace MmReplay.Arrow.Tests;

/// <summary>
/// A fact needing node and tools/arrow-interop/node_modules: skipped with the reason when they are missing
/// locally, but run (and so failing) under CI=true, so a missing install step cannot hide.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NodeFactAttribute : FactAttribute
{
    public NodeFactAttribute()
    {
        if (NodeTools.MissingReason is { } reason && !NodeTools.IsCi)
        {
            Skip = reason;
        }
    }
}
