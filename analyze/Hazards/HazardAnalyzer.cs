using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Replay;

namespace MmReplay.Analyze.Hazards;

/// <summary>
/// Lists the hazards the model reports: pinned frames whose CPU and DMA views diverged (the fork + COW story
/// of 2020), and device accesses through stale translations or out of order (the 2017 thread's MN-1 cases).
/// Hazard effects carry Value = the device-side frame and Aux = the CPU-side frame (2^64-1: none mapped). The
/// op that broke coherence is the first hazard seen for that frame in that process (the COW write fault for a
/// pin; the PTE change a device missed shows up at its first stale access).
/// </summary>
public sealed class HazardAnalyzer : IAnalyzer
{
    private readonly RunContext _run;
    private readonly TableWriter _pins;
    private readonly TableWriter _ordering;
    private readonly int _pLine, _pOp, _pPid, _pAddress, _pPinned, _pCpu, _pCause;
    private readonly int _oLine, _oOp, _oPid, _oDevice, _oKind, _oAddress, _oDeviceFrame, _oCpu, _oCause;
    private readonly Dictionary<(int Pid, ulong Frame, byte Kind), long> _firstSeen = [];
    private long _incoherent, _stale, _outOfOrder;

    public HazardAnalyzer(RunContext run)
    {
        _run = run;
        _pins = new TableWriter(run, HazardSchemas.PinCoherence);
        _ordering = new TableWriter(run, HazardSchemas.DeviceOrdering);
        (_pLine, _pOp, _pPid, _pAddress) = (_pins.Column("line"), _pins.Column("op"), _pins.Column("pid"), _pins.Column("address"));
        (_pPinned, _pCpu, _pCause) = (_pins.Column("pinned_frame"), _pins.Column("cpu_frame"), _pins.Column("cause_line"));
        (_oLine, _oOp, _oPid, _oDevice, _oKind) = (_ordering.Column("line"), _ordering.Column("op"), _ordering.Column("pid"), _ordering.Column("device"), _ordering.Column("kind"));
        (_oAddress, _oDeviceFrame, _oCpu, _oCause) = (_ordering.Column("address"), _ordering.Column("device_frame"), _ordering.Column("cpu_frame"), _ordering.Column("cause_line"));
    }

    public IReadOnlyList<Metric> Metrics =>
    [
        new("incoherent_pins", _incoherent),
        new("stale_device_accesses", _stale),
        new("ordering_hazards", _outOfOrder),
    ];

    public EffectKinds Consumes => EffectKinds.Hazard;

    public void Observe(ReadOnlySpan<Effect> effects)
    {
        foreach (ref readonly var e in effects)
        {
            if (e.Kind != EffectKind.Hazard)
            {
                continue;
            }

            switch ((HazardKind)e.Detail)
            {
                case HazardKind.PinIncoherence:
                    _incoherent++;
                    var p = _pins.Arrow;
                    p.Int64(_pLine).Append(e.Line);
                    p.Dictionary(_pOp).Append(Vocabulary.Op(e.Op));
                    p.Int32(_pPid).Append(e.Pid);
                    p.UInt64(_pAddress).Append(e.Addr);
                    p.UInt64(_pPinned).Append(e.Value);
                    AppendFrame(p.UInt64(_pCpu), e.Aux);
                    p.Int64(_pCause).Append(FirstSeen(in e));
                    _pins.EndRow();
                    break;
                case HazardKind.StaleDeviceTranslation or HazardKind.DeviceOrdering:
                    var stale = (HazardKind)e.Detail == HazardKind.StaleDeviceTranslation;
                    if (stale)
                    {
                        _stale++;
                    }
                    else
                    {
                        _outOfOrder++;
                    }

                    var o = _ordering.Arrow;
                    o.Int64(_oLine).Append(e.Line);
                    o.Dictionary(_oOp).Append(Vocabulary.Op(e.Op));
                    o.Int32(_oPid).Append(e.Pid);
                    o.Utf8(_oDevice).Append(_run.DeviceName(e.Device));
                    o.Dictionary(_oKind).Append(stale ? 0 : 1);
                    o.UInt64(_oAddress).Append(e.Addr);
                    o.UInt64(_oDeviceFrame).Append(e.Value);
                    AppendFrame(o.UInt64(_oCpu), e.Aux);
                    o.Int64(_oCause).Append(FirstSeen(in e));
                    _ordering.EndRow();
                    break;
                default:
                    break; // LostDirty belongs to the dirty-accuracy analyzer.
            }
        }
    }

    private static void AppendFrame(Arrow.PrimitiveColumnBuilder<ulong> column, ulong frame)
    {
        if (frame == ulong.MaxValue)
        {
            column.AppendNull();
        }
        else
        {
            column.Append(frame);
        }
    }

    private long FirstSeen(in Effect e)
    {
        var key = (e.Pid, e.Value, e.Detail);
        if (!_firstSeen.TryGetValue(key, out var line))
        {
            line = e.Line;
            _firstSeen[key] = line;
        }

        return line;
    }

    public IReadOnlyList<TableEntry> Complete() => [_pins.Complete(), _ordering.Complete()];

    public void Dispose()
    {
        _pins.Dispose();
        _ordering.Dispose();
    }
}
