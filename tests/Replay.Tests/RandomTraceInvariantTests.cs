using MmReplay.Ingest;
using MmReplay.Replay.Model;

namespace MmReplay.Replay.Tests;

/// <summary>
/// Seeded random op sequences under several presets: the model must finish every op and keep its books:
/// each frame's mapcount equals the PTEs that map it, and refcount = mappings + page cache + 1024 per pin.
/// MMREPLAY_TEST_SEED=n replays one seed.
/// </summary>
public sealed class RandomTraceInvariantTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        var one = Environment.GetEnvironmentVariable("MMREPLAY_TEST_SEED");
        foreach (var preset in new[] { "linux-3.17", "linux-5.10", "linux-5.19", "latest" })
        {
            if (one is not null)
            {
                data.Add(preset, int.Parse(one, System.Globalization.CultureInfo.InvariantCulture));
                continue;
            }

            for (var seed = 1; seed <= 12; seed++)
            {
                data.Add(preset, seed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Books_balance_after_random_ops(string preset, int seed)
    {
        var machine = new Machine(KernelPolicy.Preset(preset), new MachineConfig { Cpus = 2 });
        var sink = new CollectingSink();
        var rng = new Random(seed);
        var pids = new List<int> { 10, 11 };
        var audited = 0;
        for (var line = 1; line <= 1500; line++)
        {
            var e = RandomEvent(rng, pids, line);
            machine.Apply(e, sink);
            if (line % 50 == 0)
            {
                var problem = Audit(machine, ref audited);
                Assert.True(problem is null, $"seed {seed} (MMREPLAY_TEST_SEED={seed}) under {preset}, after line {line} ({e.Op}): {problem}");
            }
        }

        Assert.True(audited > 100, $"seed {seed}: only {audited} mapped frames audited; the generator maps too little to test anything");
    }

    internal static TraceEvent RandomEvent(Random rng, List<int> pids, int line)
    {
        const ulong Base = 0x4000_0000;
        var pid = pids[rng.Next(pids.Count)];
        var page = (ulong)rng.Next(24);
        var pages = (ulong)rng.Next(1, 6);
        var e = new TraceEvent { Line = line, Pid = pid, Tid = pid, Cpu = rng.Next(2), Addr = Base + (page * 4096), Len = pages * 4096, Value = (ulong)line };
        switch (rng.Next(30))
        {
            case 0 or 1:
                e.Op = OpCode.Mmap;
                e.Prot = rng.Next(4) == 0 ? Prot.Read : Prot.Read | Prot.Write;
                e.Shared = rng.Next(3) == 0;
                e.Backing = rng.Next(2) == 0 ? Backing.Anon : Backing.File;
                e.FileId = 1 + rng.Next(2);
                e.PgOff = page;
                e.Fs = rng.Next(2) == 0 ? FileSystem.Ext4 : FileSystem.Shmem;
                break;
            case 2:
                e.Op = OpCode.Munmap;
                break;
            case 3:
                e.Op = OpCode.Mprotect;
                e.Prot = (Prot)rng.Next(4);
                break;
            case 4:
                e.Op = OpCode.Madvise;
                e.Advice = (Advice)(1 + rng.Next(5));
                break;
            case 5:
                e.Op = OpCode.Mremap;
                e.Value = Base + ((ulong)rng.Next(24, 40) * 4096);
                break;
            case 6:
                e.Op = OpCode.ClearRefs;
                e.ClearRefsType = (byte)(1 + rng.Next(5));
                break;
            case 7:
                if (pids.Count < 5)
                {
                    e.Op = OpCode.Fork;
                    e.OtherPid = 100 + line;
                    pids.Add(e.OtherPid);
                }
                else
                {
                    e.Op = OpCode.Exit;
                    pids.Remove(pid);
                }

                break;
            case 8:
                e.Op = OpCode.Pin;
                e.PinFlags = rng.Next(2) == 0 ? PinFlags.Write : PinFlags.None;
                break;
            case 9:
                e.Op = OpCode.Unpin;
                break;
            case 10:
                e.Op = OpCode.SwapOut;
                break;
            case 11:
                e.Op = OpCode.Writeback;
                e.FileId = 1 + rng.Next(2);
                e.PgOff = page;
                e.Count = (long)pages;
                break;
            case 12:
                e.Op = OpCode.Pagemap;
                break;
            case 13:
                e.Op = OpCode.Fault;
                e.Access = (Access)rng.Next(2);
                break;
            case 14:
                e.Op = OpCode.NumaHint;
                break;
            case 15:
                e.Op = OpCode.Migrate;
                break;
            case 16:
                e.Op = OpCode.KsmMerge;
                e.OtherPid = pids[rng.Next(pids.Count)];
                e.Value = Base + ((ulong)rng.Next(24) * 4096);
                break;
            case 17:
                e.Op = OpCode.UffdWp;
                e.Enable = rng.Next(3) != 0;
                e.Async = rng.Next(2) == 0;
                break;
            case 18:
                e.Op = OpCode.PagemapScan;
                e.Enable = rng.Next(2) == 0;
                break;
            case 19:
                e.Op = rng.Next(2) == 0 ? OpCode.WpRange : OpCode.CleanRange;
                e.FileId = 1 + rng.Next(2);
                e.PgOff = page;
                e.Count = (long)pages;
                break;
            case 20:
                e.Op = rng.Next(3) == 0 ? OpCode.DevDetach : OpCode.DevAttach;
                e.Device = rng.Next(2);
                e.DeviceKind = (DeviceKind)rng.Next(3);
                break;
            case 21 or 22:
                e.Op = rng.Next(2) == 0 ? OpCode.DevRead : OpCode.DevWrite;
                e.Device = rng.Next(2);
                break;
            case 23:
                e.Op = rng.Next(2) == 0 ? OpCode.DmaRead : OpCode.DmaWrite;
                break;
            default:
                e.Op = rng.Next(2) == 0 ? OpCode.Read : OpCode.Write;
                break;
        }

        return e;
    }

    /// <summary>Recount every mapping, cache and pin reference and compare with the frames' counters.</summary>
    private static string? Audit(Machine m, ref int audited)
    {
        var maps = new Dictionary<int, int>();
        for (var id = 1; id < m.MmCount; id++)
        {
            var mm = m.MmById(id);
            if (mm is null || !mm.Alive)
            {
                continue;
            }

            for (var i = 0; i < mm.VmaCount; i++)
            {
                var v = mm.VmaAt(i);
                for (var va = v.Start; va < v.End; va += m.PageSize)
                {
                    var pte = mm.ReadPte(va);
                    if (Pte.IsPresent(pte) && (pte & Pte.Special) == 0)
                    {
                        maps[Pte.Frame(pte)] = maps.GetValueOrDefault(Pte.Frame(pte)) + 1;
                    }
                }
            }
        }

        var pins = new Dictionary<int, int>();
        for (var i = 0; i < m.Pins.Count; i++)
        {
            pins[m.Pins.Frame(i)] = pins.GetValueOrDefault(m.Pins.Frame(i)) + 1;
        }

        audited += maps.Count;
        foreach (var (frame, count) in maps)
        {
            if (m.Frames.MapCount(frame) != count)
            {
                return $"frame {frame}: mapcount {m.Frames.MapCount(frame)}, mapped by {count} PTEs";
            }

            var cache = m.Frames.Has(frame, FrameFlags.File) ? 1 : 0;
            var want = count + cache + (pins.GetValueOrDefault(frame) * PageFrames.PinBias);
            if (m.Frames.RefCount(frame) != want)
            {
                return $"frame {frame}: refcount {m.Frames.RefCount(frame)}, expected {want} (maps {count}, cache {cache}, pins {pins.GetValueOrDefault(frame)})";
            }
        }

        return null;
    }
}
