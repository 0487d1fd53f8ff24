using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Arrow;
using MmReplay.Replay;

namespace MmReplay.Analyze.Observations;

/// <summary>Every observation the ops made, one row each; pagemap entries are decoded into their bits.</summary>
public sealed class ObservationAnalyzer : IAnalyzer
{
    private readonly TableWriter _table;
    // Builders typed once: a row is plain appends.
    private readonly EventColumns _event;
    private readonly PrimitiveColumnBuilder<long> _frame;
    private readonly PrimitiveColumnBuilder<ulong> _address, _value, _pfn;
    private readonly DictionaryColumnBuilder _kind;
    private readonly BoolColumnBuilder _present, _swapped, _fileShared, _uffdWp, _exclusive, _softDirty;

    public ObservationAnalyzer(RunContext run)
    {
        _table = new TableWriter(run, ObservationSchemas.Observations);
        var w = _table.Arrow;
        _event = new EventColumns(_table);
        _address = w.UInt64(_table.Column("address"));
        _kind = w.Dictionary(_table.Column("kind"));
        _value = w.UInt64(_table.Column("value"));
        _frame = w.Int64(_table.Column("frame"));
        _present = w.Bool(_table.Column("present"));
        _swapped = w.Bool(_table.Column("swapped"));
        _fileShared = w.Bool(_table.Column("file_shared"));
        _uffdWp = w.Bool(_table.Column("uffd_wp"));
        _exclusive = w.Bool(_table.Column("exclusive"));
        _softDirty = w.Bool(_table.Column("soft_dirty"));
        _pfn = w.UInt64(_table.Column("pfn"));
    }

    public EffectKinds Consumes => EffectKinds.Observation;

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
        _event.Append(in e);
        _address.Append(e.Addr);
        _kind.Append(Vocabulary.Observation(e.Detail));
        _value.Append(e.Value);
        _frame.Append((long)e.Aux);
        if (e.Detail == (byte)ObservationKind.Pagemap)
        {
            var entry = e.Value;
            _present.Append((entry & PagemapEntry.Present) != 0);
            _swapped.Append((entry & PagemapEntry.Swapped) != 0);
            _fileShared.Append((entry & PagemapEntry.FileShared) != 0);
            _uffdWp.Append((entry & PagemapEntry.UffdWp) != 0);
            _exclusive.Append((entry & PagemapEntry.Exclusive) != 0);
            _softDirty.Append((entry & PagemapEntry.SoftDirty) != 0);
            _pfn.Append(entry & PagemapEntry.PfnMask);
        }
        else
        {
            _present.AppendNull();
            _swapped.AppendNull();
            _fileShared.AppendNull();
            _uffdWp.AppendNull();
            _exclusive.AppendNull();
            _softDirty.AppendNull();
            _pfn.AppendNull();
        }

        _table.EndRow();
    }
}
