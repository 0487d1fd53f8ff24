using MmReplay.Analyze.Runs;
using MmReplay.Arrow;
using MmReplay.Analyze.Tables;
using MmReplay.Ingest;
using MmReplay.Replay;

namespace MmReplay.Analyze.Flushes;

/// <summary>
/// TLB flushes as x86's tlb:tlb_flush tracepoint would log them: one row per event, and per op kind the
/// counts of rule TL-3 (kernel-semantics 7.2): logical flushes are "remote ipi send" events plus local
/// shootdowns that no IPI send preceded; CPU work is every event.
/// </summary>
public sealed class TlbFlushAnalyzer : IAnalyzer
{
    private const int ReasonCount = 6;

    private readonly TableWriter _events;
    private readonly TableWriter _summary;
    // The event table's builders, typed once: a row is thirteen plain appends.
    private readonly EventColumns _event;
    private readonly PrimitiveColumnBuilder<long> _pages, _flushId;
    private readonly PrimitiveColumnBuilder<int> _initiator;
    private readonly PrimitiveColumnBuilder<sbyte> _reasonCode;
    private readonly PrimitiveColumnBuilder<ulong> _start, _end, _targets;
    private readonly DictionaryColumnBuilder _reason, _scope;
    private readonly long[,] _byOpReason = new long[256, ReasonCount];
    private readonly long[] _logical = new long[256];
    private readonly long[] _full = new long[256];
    private readonly long[] _rangedPages = new long[256];
    private readonly long[] _ops = new long[256];

    private readonly Costs.CostModel _costs;
    private double _cost;
    private long _flushes;
    // The logical flush in progress: opened by an IPI send (or a stand-alone local flush), closed by the
    // initiator's own local flush or by any event of another op row or initiator.
    private long _openFlush = -1;
    private int _openInitiator = -1;
    private long _openLine = -1;
    private long _lastCountedLine = -1;
    private OpCode _lastCountedOp;

    public TlbFlushAnalyzer(RunContext run)
    {
        _costs = run.Costs;
        _events = new TableWriter(run, TlbFlushSchemas.Events);
        _summary = new TableWriter(run, TlbFlushSchemas.Summary);
        var w = _events.Arrow;
        _event = new EventColumns(_events);
        _initiator = w.Int32(_events.Column("initiator_cpu"));
        _reason = w.Dictionary(_events.Column("reason"));
        _reasonCode = w.Int8(_events.Column("reason_code"));
        _pages = w.Int64(_events.Column("pages"));
        _scope = w.Dictionary(_events.Column("scope"));
        _start = w.UInt64(_events.Column("start"));
        _end = w.UInt64(_events.Column("end"));
        _targets = w.UInt64(_events.Column("target_cpus"));
        _flushId = w.Int64(_events.Column("flush_id"));
    }

    public EffectKinds Consumes => EffectKinds.TlbFlush;

    public void Observe(ReadOnlySpan<Effect> effects)
    {
        foreach (ref readonly var e in effects)
        {
            if (e.Kind == EffectKind.TlbFlush)
            {
                Record(in e);
            }
        }
    }

    public IReadOnlyList<TableEntry> Complete()
    {
        WriteSummary();
        return [_events.Complete(), _summary.Complete()];
    }

    public IReadOnlyList<Metric> Metrics
    {
        get
        {
            long logical = 0, events = 0, ipis = 0;
            for (var o = 0; o < 256; o++)
            {
                logical += _logical[o];
                ipis += _byOpReason[o, (int)TlbFlushReason.RemoteShootdown];
                for (var r = 0; r < ReasonCount; r++)
                {
                    events += _byOpReason[o, r];
                }
            }

            return [new("flushes", logical), new("flush_events", events), new("ipis", ipis), new("flush_cost_us", Math.Round(_cost, 3))];
        }
    }

    public void Dispose()
    {
        _events.Dispose();
        _summary.Dispose();
    }

    private void Record(in Effect e)
    {
        var reason = (TlbFlushReason)e.Detail;
        var op = (int)e.Op;
        _cost += Cost(reason, e.Count);
        _byOpReason[op, (int)reason]++;
        if (e.Line != _lastCountedLine || e.Op != _lastCountedOp)
        {
            _ops[op]++;
            _lastCountedLine = e.Line;
            _lastCountedOp = e.Op;
        }

        var initiator = e.Cpu;
        long flushId;
        switch (reason)
        {
            case TlbFlushReason.RemoteSendIpi:
                flushId = OpenFlush(in e);
                break;
            case TlbFlushReason.RemoteShootdown or TlbFlushReason.RemoteWrongCpu when _openFlush >= 0 && _openLine == e.Line:
                flushId = _openFlush;
                initiator = _openInitiator;
                break;
            case TlbFlushReason.LocalMmShootdown or TlbFlushReason.LocalShootdown:
                if (_openFlush >= 0 && _openLine == e.Line && _openInitiator == e.Cpu)
                {
                    flushId = _openFlush; // the initiator's own part of an IPI flush
                }
                else
                {
                    flushId = OpenFlush(in e);
                }

                _openFlush = -1;
                break;
            case TlbFlushReason.TaskSwitch:
                flushId = -1;
                break;
            default:
                // A remote event with no IPI send before it: the trace cannot be from one logical flush.
                flushId = OpenFlush(in e);
                _openFlush = -1;
                break;
        }

        _event.Append(in e);
        _initiator.Append(initiator);
        _reason.Append((int)reason);
        _reasonCode.Append((sbyte)reason);
        _pages.Append(e.Count);
        _scope.Append(Vocabulary.Scope(e.Scope));
        _start.Append(e.Addr);
        _end.Append(e.End);
        _targets.Append(e.Cpus);
        _flushId.Append(flushId);
        _events.EndRow();
    }

    /// <summary>Modelled cost of one tracepoint event's CPU work (docs/costs.md).</summary>
    private double Cost(TlbFlushReason reason, long pages) => reason switch
    {
        TlbFlushReason.RemoteSendIpi => _costs.IpiRoundTripUs,
        TlbFlushReason.RemoteShootdown => _costs.IpiPerReceiverUs + _costs.LocalFlushUs(pages),
        TlbFlushReason.LocalMmShootdown or TlbFlushReason.LocalShootdown => _costs.LocalFlushUs(pages),
        TlbFlushReason.TaskSwitch when pages != 0 => _costs.FullFlushUs,
        _ => 0,
    };

    private long OpenFlush(in Effect e)
    {
        var op = (int)e.Op;
        _logical[op]++;
        if (e.Count < 0)
        {
            _full[op]++;
        }
        else
        {
            _rangedPages[op] += e.Count;
        }

        _openFlush = _flushes++;
        _openInitiator = e.Cpu;
        _openLine = e.Line;
        return _openFlush;
    }

    private void WriteSummary()
    {
        var w = _summary.Arrow;
        int op = _summary.Column("op"), ops = _summary.Column("ops"), logical = _summary.Column("logical_flushes");
        int cpuEvents = _summary.Column("cpu_events"), ipis = _summary.Column("ipis");
        int firstReason = _summary.Column("task_switch"), full = _summary.Column("full_flushes"), pages = _summary.Column("pages");
        for (var o = 0; o < 256; o++)
        {
            long total = 0;
            for (var r = 0; r < ReasonCount; r++)
            {
                total += _byOpReason[o, r];
            }

            if (total == 0)
            {
                continue;
            }

            w.Dictionary(op).Append(Vocabulary.Op((OpCode)o));
            w.Int64(ops).Append(_ops[o]);
            w.Int64(logical).Append(_logical[o]);
            w.Int64(cpuEvents).Append(total);
            w.Int64(ipis).Append(_byOpReason[o, (int)TlbFlushReason.RemoteShootdown]);
            // task_switch .. remote_ipi_send are consecutive columns in reason-code order.
            for (var r = 0; r < 5; r++)
            {
                w.Int64(firstReason + r).Append(_byOpReason[o, r]);
            }

            w.Int64(full).Append(_full[o]);
            w.Int64(pages).Append(_rangedPages[o]);
            _summary.EndRow();
        }
    }
}
