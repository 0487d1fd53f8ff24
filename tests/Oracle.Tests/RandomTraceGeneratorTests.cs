using MmReplay.Ingest;
using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

public sealed class RandomTraceGeneratorTests
{
    private static readonly int[] Seeds = SeedsUnderTest();

    [Fact]
    public void Same_seed_gives_the_same_trace_and_different_seeds_differ()
    {
        foreach (int seed in Seeds)
        {
            string first = OpListTranslator.Translate(RandomTraceGenerator.Generate(seed)).ToText();
            string again = OpListTranslator.Translate(RandomTraceGenerator.Generate(seed)).ToText();
            Assert.True(first == again, $"seed {seed} (MMREPLAY_TEST_SEED={seed}) is not deterministic");
        }
        Assert.NotEqual(OpListTranslator.Translate(RandomTraceGenerator.Generate(1)).ToText(),
                        OpListTranslator.Translate(RandomTraceGenerator.Generate(2)).ToText());
    }

    [Fact]
    public void Traces_stay_inside_the_executable_subset()
    {
        foreach (int seed in Seeds)
        {
            TraceEvent[] events = RandomTraceGenerator.Generate(seed);
            OpList list = OpListTranslator.Translate(events);
            Assert.True(list.Skipped.Count == 0, $"seed {seed}: skipped {string.Join(", ", list.Skipped)}");
            string? problem = new ProtectionChecker().FirstProblem(events);
            Assert.True(problem is null, $"seed {seed} (MMREPLAY_TEST_SEED={seed}): {problem}");
        }
    }

    [Fact]
    public void Traces_exercise_forks_clear_refs_and_pins_across_the_seed_set()
    {
        var ops = new HashSet<OpCode>();
        foreach (int seed in Seeds)
            foreach (TraceEvent e in RandomTraceGenerator.Generate(seed))
                ops.Add(e.Op);
        foreach (OpCode op in new[] { OpCode.Fork, OpCode.Exit, OpCode.ClearRefs, OpCode.Pin, OpCode.Unpin, OpCode.DmaRead, OpCode.DmaWrite, OpCode.Mremap, OpCode.Mprotect, OpCode.Madvise })
            Assert.Contains(op, ops);
    }

    private static int[] SeedsUnderTest()
    {
        string? one = Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED");
        return one is null ? Enumerable.Range(1, 50).ToArray() : [int.Parse(one)];
    }

    /// <summary>
    /// An independent re-tracking of each process's mappings: every access must hit a page mapped by that pid
    /// with the needed protection, and every DMA a pinned page.
    /// </summary>
    private sealed class ProtectionChecker
    {
        private readonly Dictionary<int, Dictionary<ulong, (Prot Prot, bool DontFork)>> pages = [];
        private readonly Dictionary<int, HashSet<ulong>> pinned = [];

        public string? FirstProblem(IReadOnlyList<TraceEvent> events)
        {
            foreach (TraceEvent e in events)
            {
                Dictionary<ulong, (Prot Prot, bool DontFork)> mine = Pages(e.Pid);
                for (ulong a = e.Addr; a < e.Addr + e.Len; a += TraceBuilder.Page)
                {
                    switch (e.Op)
                    {
                        case OpCode.Mmap: mine[a] = (e.Prot, false); break;
                        case OpCode.Munmap: mine.Remove(a); break;
                        case OpCode.Mprotect: mine[a] = mine[a] with { Prot = e.Prot }; break;
                        case OpCode.Madvise when e.Advice is Advice.DontFork or Advice.DoFork:
                            mine[a] = mine[a] with { DontFork = e.Advice == Advice.DontFork };
                            break;
                        case OpCode.Mremap:
                            mine[e.Value + (a - e.Addr)] = mine[a];
                            mine.Remove(a);
                            break;
                        case OpCode.Read when !Allows(mine, a, Prot.Read):
                        case OpCode.Write when !Allows(mine, a, Prot.Write):
                            return $"line {e.Line}: {e.Op} of {a:x} by pid {e.Pid} is not allowed";
                        case OpCode.Pin: Pinned(e.Pid).Add(a); break;
                        case OpCode.Unpin: Pinned(e.Pid).Remove(a); break;
                        case OpCode.DmaRead or OpCode.DmaWrite when !Pinned(e.Pid).Contains(a):
                            return $"line {e.Line}: DMA to unpinned {a:x}";
                    }
                }
                if (e.Op == OpCode.Fork)
                {
                    Dictionary<ulong, (Prot Prot, bool DontFork)> child = Pages(e.OtherPid);
                    foreach (KeyValuePair<ulong, (Prot Prot, bool DontFork)> page in mine)
                        if (!page.Value.DontFork)
                            child[page.Key] = page.Value;
                }
            }
            return null;
        }

        private static bool Allows(Dictionary<ulong, (Prot Prot, bool DontFork)> mine, ulong a, Prot need) =>
            mine.TryGetValue(a, out var page) && (page.Prot & need) == need;

        private Dictionary<ulong, (Prot Prot, bool DontFork)> Pages(int pid) =>
            pages.TryGetValue(pid, out var p) ? p : pages[pid] = [];

        private HashSet<ulong> Pinned(int pid) => pinned.TryGetValue(pid, out var p) ? p : pinned[pid] = [];
    }
}
