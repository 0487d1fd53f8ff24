using MmReplay.Arrow;
using MmReplay.Replay;

namespace MmReplay.Analyze.Tables;

/// <summary>
/// The columns a per-effect table starts with (line, op, pid, cpu), bound to their typed builders once so a row
/// costs plain appends.
/// </summary>
internal readonly struct EventColumns
{
    private readonly PrimitiveColumnBuilder<long> _line;
    private readonly DictionaryColumnBuilder _op;
    private readonly PrimitiveColumnBuilder<int> _pid;
    private readonly PrimitiveColumnBuilder<int> _cpu;

    public EventColumns(TableWriter table)
    {
        var w = table.Arrow;
        _line = w.Int64(table.Column("line"));
        _op = w.Dictionary(table.Column("op"));
        _pid = w.Int32(table.Column("pid"));
        _cpu = w.Int32(table.Column("cpu"));
    }

    public void Append(in Effect e)
    {
        _line.Append(e.Line);
        _op.Append(Vocabulary.Op(e.Op));
        _pid.Append(e.Pid);
        _cpu.Append(e.Cpu);
    }
}
