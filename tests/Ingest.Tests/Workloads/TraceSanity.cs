namespace MmReplay.Ingest.Tests.Workloads;

/// <summary>
/// Checks that a trace makes sense as a recording of real processes, independently of the generator: time increases,
/// CPUs are in range, pages are mapped before they are touched and every access lies in a mapped page of that mm
/// (a fork child gets its parent's pages except MADV_DONTFORK ones), child pids are new and every child exits,
/// devices are attached to the mm before use and detached by the end, DMA only reaches pinned pages, every pin is
/// unpinned. Returns the first problems found (empty: sound).
/// </summary>
internal static class TraceSanity
{
    private const ulong Page = 4096;

    public static List<string> Check(IReadOnlyList<TraceEvent> events, IReadOnlyList<string> devices, int cpus)
    {
        var problems = new List<string>();
        var mapped = new Dictionary<int, HashSet<ulong>>();
        var dontFork = new Dictionary<int, HashSet<ulong>>();
        var pinned = new Dictionary<int, HashSet<ulong>>();
        var attached = new Dictionary<int, int>(); // device -> pid
        var seenPids = new HashSet<int>();
        var children = new HashSet<int>();
        var tidOwner = new Dictionary<int, int>();
        ulong lastTime = 0;
        void Fail(in TraceEvent e, string what)
        {
            if (problems.Count < 10)
            {
                problems.Add($"line {e.Line} {OpTable.Name(e.Op)} pid {e.Pid}: {what}");
            }
        }

        HashSet<ulong> Set(Dictionary<int, HashSet<ulong>> sets, int pid) =>
            sets.TryGetValue(pid, out var s) ? s : sets[pid] = [];

        IEnumerable<ulong> Pages(ulong addr, ulong len)
        {
            for (var p = addr / Page; p < (addr + Math.Max(len, 1) + Page - 1) / Page; p++)
            {
                yield return p;
            }
        }

        void RequireMapped(in TraceEvent e, int pid, ulong addr, ulong len)
        {
            var set = Set(mapped, pid);
            foreach (var p in Pages(addr, len))
            {
                if (!set.Contains(p))
                {
                    Fail(e, $"page 0x{p * Page:x} of pid {pid} is not mapped");
                    return;
                }
            }
        }

        foreach (var e in events)
        {
            if (e.TimeNs <= lastTime)
            {
                Fail(e, $"time {e.TimeNs} does not increase");
            }

            lastTime = e.TimeNs;
            if (e.Cpu < 0 || e.Cpu >= cpus)
            {
                Fail(e, $"cpu {e.Cpu} outside {cpus}");
            }

            if (tidOwner.TryGetValue(e.Tid, out var owner) && owner != e.Pid)
            {
                Fail(e, $"tid {e.Tid} also used by pid {owner}");
            }

            tidOwner[e.Tid] = e.Pid;
            seenPids.Add(e.Pid);
            switch (e.Op)
            {
                case OpCode.Mmap:
                    foreach (var p in Pages(e.Addr, e.Len))
                    {
                        Set(mapped, e.Pid).Add(p);
                        Set(dontFork, e.Pid).Remove(p);
                    }

                    break;
                case OpCode.Munmap:
                    foreach (var p in Pages(e.Addr, e.Len))
                    {
                        Set(mapped, e.Pid).Remove(p);
                        Set(dontFork, e.Pid).Remove(p);
                        if (Set(pinned, e.Pid).Contains(p))
                        {
                            Fail(e, "unmaps a pinned page");
                        }
                    }

                    break;
                case OpCode.Madvise:
                    RequireMapped(e, e.Pid, e.Addr, e.Len);
                    if (e.Advice == Advice.DontFork)
                    {
                        Set(dontFork, e.Pid).UnionWith(Pages(e.Addr, e.Len));
                    }

                    break;
                case OpCode.Read or OpCode.Write or OpCode.Pagemap or OpCode.UffdWp or OpCode.PagemapScan
                    or OpCode.NumaHint or OpCode.Migrate:
                    RequireMapped(e, e.Pid, e.Addr, e.Len);
                    break;
                case OpCode.KsmMerge:
                    RequireMapped(e, e.Pid, e.Addr, e.Len);
                    RequireMapped(e, e.OtherPid, e.Value, Page);
                    break;
                case OpCode.Pin:
                    RequireMapped(e, e.Pid, e.Addr, e.Len);
                    Set(pinned, e.Pid).UnionWith(Pages(e.Addr, e.Len));
                    break;
                case OpCode.Unpin:
                    foreach (var p in Pages(e.Addr, e.Len))
                    {
                        if (!Set(pinned, e.Pid).Remove(p))
                        {
                            Fail(e, $"unpins 0x{p * Page:x}, not pinned");
                        }
                    }

                    break;
                case OpCode.DmaRead or OpCode.DmaWrite:
                    foreach (var p in Pages(e.Addr, e.Len))
                    {
                        if (!Set(pinned, e.Pid).Contains(p))
                        {
                            Fail(e, $"DMA to 0x{p * Page:x}, not pinned");
                        }
                    }

                    break;
                case OpCode.DevAttach:
                    if (!attached.TryAdd(e.Device, e.Pid))
                    {
                        Fail(e, $"device {devices[e.Device]} attached twice");
                    }

                    break;
                case OpCode.DevDetach:
                    if (!attached.Remove(e.Device))
                    {
                        Fail(e, $"device {devices[e.Device]} detached but not attached");
                    }

                    break;
                case OpCode.DevRead or OpCode.DevWrite:
                    if (!attached.TryGetValue(e.Device, out var devPid) || devPid != e.Pid)
                    {
                        Fail(e, $"device {devices[e.Device]} not attached to this pid");
                    }

                    RequireMapped(e, e.Pid, e.Addr, e.Len);
                    break;
                case OpCode.Fork:
                    if (!seenPids.Add(e.OtherPid))
                    {
                        Fail(e, $"child pid {e.OtherPid} already used");
                    }

                    children.Add(e.OtherPid);
                    mapped[e.OtherPid] = [.. Set(mapped, e.Pid).Where(p => !Set(dontFork, e.Pid).Contains(p))];
                    break;
                case OpCode.Exit:
                    children.Remove(e.Pid);
                    mapped.Remove(e.Pid);
                    if (Set(pinned, e.Pid).Count > 0)
                    {
                        Fail(e, "exits with pins held");
                    }

                    foreach (var (dev, pid) in attached)
                    {
                        if (pid == e.Pid)
                        {
                            Fail(e, $"exits with {devices[dev]} attached");
                        }
                    }

                    break;
                case OpCode.ClearRefs:
                    break;
                default:
                    Fail(e, "op the workloads do not use");
                    break;
            }
        }

        var end = events.Count > 0 ? events[^1] : default;
        if (children.Count > 0)
        {
            Fail(end, $"children never exit: {string.Join(", ", children)}");
        }

        foreach (var (pid, pages) in pinned)
        {
            if (pages.Count > 0)
            {
                Fail(end, $"pid {pid} ends with {pages.Count} pinned pages");
            }
        }

        if (attached.Count > 0)
        {
            Fail(end, $"{attached.Count} device(s) still attached at the end");
        }

        return problems;
    }
}
