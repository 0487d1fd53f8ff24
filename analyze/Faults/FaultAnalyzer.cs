using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Arrow;
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
    // Builders typed once: a row is plain appends.
    private readonly EventColumns _event;
    private readonly PrimitiveColumnBuilder<long> _frame;
    private readonly PrimitiveColumnBuilder<ulong> _address;
    private readonly PrimitiveColumnBuilder<uint> _errorCode;
    private readonly DictionaryColumnBuilder _access, _resolution;
    private readonly BoolColumnBuilder _protection, _gup;
    private readonly long[] _byResolution = new long[Vocabulary.FaultResolutions.Count];
    private long _total, _writes;

    public FaultAnalyzer(RunContext run)
    {
        _faults = new TableWriter(run, FaultSchemas.Faults);
        var w = _faults.Arrow;
        _event = new EventColumns(_faults);
        _address = w.UInt64(_faults.Column("address"));
        _errorCode = w.UInt32(_faults.Column("error_code"));
        _access = w.Dictionary(_faults.Column("access"));
        _protection = w.Bool(_faults.Column("protection"));
        _resolution = w.Dictionary(_faults.Column("resolution"));
        _frame = w.Int64(_faults.Column("frame"));
        _gup = w.Bool(_faults.Column("gup"));
    }

    public static FaultAccess AccessOf(uint errorCode) =>
        (errorCode & InstrBit) != 0 ? FaultAccess.Exec
        : (errorCode & WriteBit) != 0 ? FaultAccess.Write
        : FaultAccess.Read;

    public EffectKinds Consumes => EffectKinds.Fault;

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

        _event.Append(in e);
        _address.Append(e.Addr);
        _errorCode.Append(e.Code);
        _access.Append((int)access);
        _protection.Append((e.Code & ProtBit) != 0);
        _resolution.Append(resolution);
        _frame.Append((long)e.Aux);
        _gup.Append(gup);
        _faults.EndRow();
    }
}
