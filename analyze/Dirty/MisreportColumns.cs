using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Dirty;

/// <summary>
/// The columns missed_writes and spurious_dirty share (pid, interface, interval, address, read_line, read_op,
/// cause, rule), bound to their typed builders once so a row costs plain appends, not a typed lookup per value.
/// </summary>
internal readonly struct MisreportColumns
{
    private readonly PrimitiveColumnBuilder<int> _pid;
    private readonly DictionaryColumnBuilder _interface;
    private readonly PrimitiveColumnBuilder<long> _interval;
    private readonly PrimitiveColumnBuilder<ulong> _address;
    private readonly PrimitiveColumnBuilder<long> _readLine;
    private readonly DictionaryColumnBuilder _readOp;
    private readonly DictionaryColumnBuilder _cause;
    private readonly Utf8ColumnBuilder _rule;

    public MisreportColumns(TableWriter table)
    {
        var w = table.Arrow;
        _pid = w.Int32(table.Column("pid"));
        _interface = w.Dictionary(table.Column("interface"));
        _interval = w.Int64(table.Column("interval"));
        _address = w.UInt64(table.Column("address"));
        _readLine = w.Int64(table.Column("read_line"));
        _readOp = w.Dictionary(table.Column("read_op"));
        _cause = w.Dictionary(table.Column("cause"));
        _rule = w.Utf8(table.Column("rule"));
    }

    public void Append(DirtyTracker t, in PageTrack page)
    {
        _pid.Append(t.Pid);
        _interface.Append((int)t.Interface);
        _interval.Append(t.Interval);
        _address.Append(page.ReadAddress);
        _readLine.Append(page.ReadLine);
        _readOp.Append(Vocabulary.Op(page.ReadOp));
        _cause.Append((int)page.Cause);
        _rule.Append(Vocabulary.DirtyCauseRules[(int)page.Cause]);
    }
}
