using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Replay;

namespace MmReplay.Analyze.Observations;

/// <summary>Every observation the ops made, one row each; pagemap entries are decoded into their bits.</summary>
public sealed class ObservationAnalyzer : IAnalyzer
{
    private readonly TableWriter _table;
    private readonly int _line, _op, _pid, _cpu, _address, _kind, _value, _frame;
    private readonly int _present, _swapped, _fileShared, _uffdWp, _exclusive, _softDirty, _pfn;

    public ObservationAnalyzer(RunContext run)
    {
        _table = new TableWriter(run, ObservationSchemas.Observations);
        _line = _table.Column("line");
        _op = _table.Column("op");
        _pid = _table.Column("pid");
        _cpu = _table.Column("cpu");
        _address = _table.Column("address");
        _kind = _table.Column("kind");
        _value = _table.Column("value");
        _frame = _table.Column("frame");
        _present = _table.Column("present");
        _swapped = _table.Column("swapped");
        _fileShared = _table.Column("file_shared");
        _uffdWp = _table.Column("uffd_wp");
        _exclusive = _table.Column("exclusive");
        _softDirty = _table.Column("soft_dirty");
        _pfn = _table.Column("pfn");
    }

    public void Observe(ReadOnlySpan<Effect> effects)
    {
        foreach (ref readonly var e in effects)
        {
            if (e.Kind == EffectKind.Observation)
            {
                Record(in e);
            }
        }
    }

    public IReadOnlyList<TableEntry> Complete() => [_table.Complete()];

    /// <summary>None: the dirty-accuracy analyzer turns observations into the numbers that matter.</summary>
    public IReadOnlyList<Metric> Metrics => [];

    public void Dispose() => _table.Dispose();

    private void Record(in Effect e)
    {
        var w = _table.Arrow;
        w.Int64(_line).Append(e.Line);
        w.Dictionary(_op).Append(Vocabulary.Op(e.Op));
        w.Int32(_pid).Append(e.Pid);
        w.Int32(_cpu).Append(e.Cpu);
        w.UInt64(_address).Append(e.Addr);
        w.Dictionary(_kind).Append(Vocabulary.Observation(e.Detail));
        w.UInt64(_value).Append(e.Value);
        w.Int64(_frame).Append((long)e.Aux);
        if (e.Detail == (byte)ObservationKind.Pagemap)
        {
            var entry = e.Value;
            w.Bool(_present).Append((entry & PagemapEntry.Present) != 0);
            w.Bool(_swapped).Append((entry & PagemapEntry.Swapped) != 0);
            w.Bool(_fileShared).Append((entry & PagemapEntry.FileShared) != 0);
            w.Bool(_uffdWp).Append((entry & PagemapEntry.UffdWp) != 0);
            w.Bool(_exclusive).Append((entry & PagemapEntry.Exclusive) != 0);
            w.Bool(_softDirty).Append((entry & PagemapEntry.SoftDirty) != 0);
            w.UInt64(_pfn).Append(entry & PagemapEntry.PfnMask);
        }
        else
        {
            w.Bool(_present).AppendNull();
            w.Bool(_swapped).AppendNull();
            w.Bool(_fileShared).AppendNull();
            w.Bool(_uffdWp).AppendNull();
            w.Bool(_exclusive).AppendNull();
            w.Bool(_softDirty).AppendNull();
            w.UInt64(_pfn).AppendNull();
        }

        _table.EndRow();
    }
}
