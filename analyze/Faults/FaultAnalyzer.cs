using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Replay;

namespace MmReplay.Analyze.Faults;

/// <summary>
/// Every fault the model handled, one row each, and headline counts: all faults, write faults, and one count
/// per resolution that occurred (the gup column tells hardware faults from GUP's).
/// </summary>
public sealed class FaultAnalyzer : IAnalyzer
{
    private const uint ProtBit = 0x1;
    private const uint WriteBit = 0x2;
    private const uint InstrBit = 0x10;

    private readonly TableWriter _faults;
    private readonly int _line, _op, _pid, _cpu, _address, _errorCode, _access, _protection, _resolution, _frame, _gup;
    private readonly long[] _byResolution = new long[Vocabulary.FaultResolutions.Count];
    private long _total, _writes;

    public FaultAnalyzer(RunContext run)
    {
        _faults = new TableWriter(run, FaultSchemas.Faults);
        _line = _faults.Column("line");
        _op = _faults.Column("op");
        _pid = _faults.Column("pid");
        _cpu = _faults.Column("cpu");
        _address = _faults.Column("address");
        _errorCode = _faults.Column("error_code");
        _access = _faults.Column("access");
        _protection = _faults.Column("protection");
        _resolution = _faults.Column("resolution");
        _frame = _faults.Column("frame");
        _gup = _faults.Column("gup");
    }

    public static FaultAccess AccessOf(uint errorCode) =>
        (errorCode & InstrBit) != 0 ? FaultAccess.Exec
        : (errorCode & WriteBit) != 0 ? FaultAccess.Write
        : FaultAccess.Read;

    public void Observe(ReadOnlySpan<Effect> effects)
    {
        foreach (ref readonly var e in effects)
        {
            if (e.Kind == EffectKind.Fault)
            {
                Record(in e);
            }
        }
    }

    public IReadOnlyList<TableEntry> Complete() => [_faults.Complete()];

    public IReadOnlyList<Metric> Metrics
    {
        get
        {
            var metrics = new List<Metric> { new("faults", _total), new("write_faults", _writes) };
            for (var r = 0; r < _byResolution.Length; r++)
            {
                if (_byResolution[r] != 0)
                {
                    metrics.Add(new("faults." + Vocabulary.FaultResolutions[r], _byResolution[r]));
                }
            }

            return metrics;
        }
    }

    public void Dispose() => _faults.Dispose();

    private void Record(in Effect e)
    {
        var gup = e.Scope != 0;
        var access = AccessOf(e.Code);
        var resolution = Vocabulary.Resolution(e.Detail);
        _total++;
        _writes += access == FaultAccess.Write ? 1 : 0;
        _byResolution[resolution]++;

        var w = _faults.Arrow;
        w.Int64(_line).Append(e.Line);
        w.Dictionary(_op).Append(Vocabulary.Op(e.Op));
        w.Int32(_pid).Append(e.Pid);
        w.Int32(_cpu).Append(e.Cpu);
        w.UInt64(_address).Append(e.Addr);
        w.UInt32(_errorCode).Append(e.Code);
        w.Dictionary(_access).Append((int)access);
        w.Bool(_protection).Append((e.Code & ProtBit) != 0);
        w.Dictionary(_resolution).Append(resolution);
        w.Int64(_frame).Append((long)e.Aux);
        w.Bool(_gup).Append(gup);
        _faults.EndRow();
    }
}
