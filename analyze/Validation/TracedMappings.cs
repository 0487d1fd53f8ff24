namespace MmReplay.Analyze.Validation;

/// <summary>
/// The mappings the trace showed being made, per process: a child sees its parent's mappings made before the fork,
/// an exec forgets them. Decides whether a fault the model could not place is the model's fault or the recording's
/// silence (a mapping made before tracing began, by exec or the loader).
/// </summary>
internal sealed class TracedMappings
{
    private readonly Dictionary<int, List<RegionAgreement>> _byPid = [];
    private readonly Dictionary<int, (int Parent, long ForkLine)> _parents = [];

    public void Add(RegionAgreement region)
    {
        if (!_byPid.TryGetValue(region.Pid, out var list))
        {
            _byPid[region.Pid] = list = [];
        }

        list.Add(region);
    }

    public void Fork(int parent, int child, long line) => _parents[child] = (parent, line);

    public void Exec(int pid)
    {
        _byPid.Remove(pid);
        _parents.Remove(pid);
    }

    /// <summary>The latest region covering <paramref name="address"/> that <paramref name="pid"/> has (own or inherited).</summary>
    public RegionAgreement? Find(int pid, ulong address)
    {
        var before = long.MaxValue;
        for (var hops = 0; hops < 64; hops++)
        {
            if (_byPid.TryGetValue(pid, out var list))
            {
                for (var i = list.Count - 1; i >= 0; i--)
                {
                    if (list[i].Line < before && list[i].Contains(address))
                    {
                        return list[i];
                    }
                }
            }

            if (!_parents.TryGetValue(pid, out var up))
            {
                return null;
            }

            (pid, before) = (up.Parent, Math.Min(before, up.ForkLine));
        }

        return null;
    }
}
