using MmReplay.Ingest.Ftrace;

namespace MmReplay.Analyze.Validation;

/// <summary>Finds the syscall window a tid was in at a line: per tid, windows sorted by entry, binary-searched.</summary>
internal sealed class SyscallWindowIndex
{
    private readonly Dictionary<int, List<FtraceSyscallWindow>> _byTid = [];

    public SyscallWindowIndex(IReadOnlyList<FtraceSyscallWindow> windows)
    {
        foreach (var w in windows)
        {
            if (!_byTid.TryGetValue(w.Tid, out var list))
            {
                _byTid[w.Tid] = list = [];
            }

            list.Add(w);
        }

        foreach (var list in _byTid.Values)
        {
            list.Sort((a, b) => a.EnterLine.CompareTo(b.EnterLine));
        }
    }

    /// <summary>The window with EnterLine &lt; line &lt;= ExitLine on <paramref name="tid"/> (the exit line holds the op).</summary>
    public bool TryFind(int tid, long line, out FtraceSyscallWindow window)
    {
        window = default;
        if (!_byTid.TryGetValue(tid, out var list))
        {
            return false;
        }

        int lo = 0, hi = list.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (list[mid].EnterLine < line)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (found >= 0 && line <= list[found].ExitLine)
        {
            window = list[found];
            return true;
        }

        return false;
    }
}
