namespace MmReplay.Ingest;

/// <summary>
/// A seeded stream of valid events covering every op and argument of format v1, as <see cref="Csv.CsvTraceReader"/>
/// would read them back from the file <see cref="Csv.CsvTraceWriter"/> makes of them (first data row on line 3).
/// Mostly reads and writes, as real traces are. For round-trip tests and the ingest benchmark.
/// </summary>
public sealed class SyntheticTrace
{
    public static readonly IReadOnlyList<string> DeviceNames = ["gpu0", "nic0", "kvm0"];

    private readonly Random _random;
    private readonly ulong _page;
    private readonly List<int> _deviceOrder = [];
    private readonly List<string> _deviceNames = [];
    private long _row;
    private ulong _time;

    public SyntheticTrace(int seed, int pageSize = 4096)
    {
        _random = new Random(seed);
        _page = (ulong)pageSize;
    }

    /// <summary>Device names in order of first appearance so far (a live list: what the reader's table will be).</summary>
    public IReadOnlyList<string> Devices => _deviceNames;

    public TraceEvent Next()
    {
        _row++;
        _time += (ulong)_random.Next(0, 50);
        var r = _random;
        var op = r.Next(100) switch
        {
            < 40 => OpCode.Write,
            < 70 => OpCode.Read,
            _ => (OpCode)r.Next(1, (int)OpCode.Notifier + 1),
        };
        var pid = r.Next(1, 64);
        var ev = new TraceEvent
        {
            Line = _row + 2,
            TimeNs = _time,
            Op = op,
            Cpu = r.Next(0, 8),
            Pid = pid,
            Tid = r.Next(2) == 0 ? pid : pid + 1000,
        };
        var spec = OpTable.Get(op);
        if (spec.Addr != AddrRule.None && !(spec.Addr == AddrRule.OptionalRange && r.Next(2) == 0))
        {
            var aligned = spec.Addr is AddrRule.AlignedRange or AddrRule.AlignedStart;
            ev.Addr = (0x7f0000000000UL + ((ulong)r.Next(0, 1 << 20) * _page)) + (aligned ? 0 : (ulong)r.Next(0, (int)_page));
            ev.Len = spec.Addr == AddrRule.AlignedRange ? (ulong)r.Next(1, 17) * _page : (ulong)r.Next(1, 3 * (int)_page);
        }

        FillArgs(ref ev);
        if (spec.IsWrite)
        {
            ev.HasValue = r.Next(2) == 0;
            ev.Value = ev.HasValue ? (ulong)r.NextInt64() : (ulong)_row;
        }

        return ev;
    }

    private void FillArgs(ref TraceEvent ev)
    {
        var r = _random;
        switch (ev.Op)
        {
            case OpCode.Mmap:
                ev.Prot = Pick(Prot.None, Prot.Read, Prot.Read | Prot.Write, Prot.Read | Prot.Exec, Prot.Read | Prot.Write | Prot.Exec);
                ev.Shared = r.Next(2) == 0;
                ev.Backing = (Backing)r.Next(3);
                ev.MmapFlags = (MmapFlags)r.Next(16);
                if (ev.Backing == Backing.File)
                {
                    ev.FileId = r.Next(0, 10);
                    ev.PgOff = (ulong)r.Next(0, 100);
                    ev.Fs = (FileSystem)r.Next(2);
                }
                else if (ev.Backing == Backing.Anon && ev.Shared)
                {
                    ev.Fs = FileSystem.Shmem;
                }

                break;
            case OpCode.Mprotect: ev.Prot = Pick(Prot.None, Prot.Read, Prot.Read | Prot.Write); break;
            case OpCode.Madvise: ev.Advice = (Advice)r.Next(1, 9); break;
            case OpCode.Mremap:
                ev.Value = 0x600000000000UL + ((ulong)r.Next(0, 1 << 20) * _page);
                ev.PgOff = r.Next(2) == 0 ? 0 : (ulong)r.Next(1, 9) * _page;
                break;
            case OpCode.Fault:
                if (r.Next(2) == 0)
                {
                    ev.Access = (Access)r.Next(3);
                    ev.ErrorCode = ev.Access switch { Access.Write => 0x6u, Access.Exec => 0x14u, _ => 0x4u };
                }
                else
                {
                    ev.ErrorCode = (uint)r.Next(0, 0x20);
                    ev.Access = (ev.ErrorCode & 0x10) != 0 ? Access.Exec : (ev.ErrorCode & 0x2) != 0 ? Access.Write : Access.Read;
                }

                break;
            case OpCode.Fork: ev.OtherPid = r.Next(64, 128); break;
            case OpCode.ClearRefs: ev.ClearRefsType = (byte)r.Next(1, 6); break;
            case OpCode.UffdWp: ev.Enable = r.Next(2) == 0; ev.Async = r.Next(2) == 0; break;
            case OpCode.PagemapScan: ev.Enable = r.Next(2) == 0; break;
            case OpCode.WpRange or OpCode.CleanRange or OpCode.Writeback:
                ev.FileId = r.Next(0, 10);
                ev.PgOff = (ulong)r.Next(0, 1000);
                ev.Count = r.Next(1, 64);
                break;
            case OpCode.Pin: ev.PinFlags = (PinFlags)r.Next(32); break;
            case OpCode.DevAttach: ev.Device = Device(); ev.DeviceKind = (DeviceKind)r.Next(3); break;
            case OpCode.DevDetach or OpCode.DevRead or OpCode.DevWrite: ev.Device = Device(); break;
            case OpCode.KsmMerge: ev.OtherPid = r.Next(1, 64); ev.Value = 0x7f0000000000UL + ((ulong)r.Next(0, 1 << 20) * _page); break;
            case OpCode.TlbFlush: ev.TlbReason = (TlbFlushReason)r.Next(6); ev.Count = r.Next(-1, 512); break;
            case OpCode.Notifier: ev.NotifierCall = (NotifierCall)r.Next(4); ev.NotifierEvent = (NotifierEvent)r.Next(9); break;
        }
    }

    /// <summary>A device by name; its id is its place in the order of first appearance, as the reader numbers them.</summary>
    private int Device()
    {
        var name = _random.Next(DeviceNames.Count);
        var id = _deviceOrder.IndexOf(name);
        if (id < 0)
        {
            _deviceOrder.Add(name);
            _deviceNames.Add(DeviceNames[name]);
            id = _deviceOrder.Count - 1;
        }

        return id;
    }

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];
}
