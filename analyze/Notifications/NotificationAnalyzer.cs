using MmReplay.Analyze.Costs;
using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Model;

namespace MmReplay.Analyze.Notifications;

/// <summary>
/// Every mmu_notifier callback, with its modelled cost and whether it was redundant: an invalidation is
/// redundant when no PTE in its range lost access (cleared, write-protected, made protnone, or pointed at
/// another frame) since the same subscriber last invalidated that page. Installing or upgrading a PTE never
/// makes an invalidation necessary: no device can cache what was not there. So on linux-4.14 the second
/// invalidate_range of a COW (at range_end, after the new PTE was set) is redundant, as the 2017 thread argued.
/// </summary>
public sealed class NotificationAnalyzer : IAnalyzer
{
    private const int PageShift = 12;
    /// <summary>Above this many pages a range is checked against the changed pages instead of page by page.</summary>
    private const ulong WideRange = 512;
    private const int MaxWideInvalidations = 64;

    private readonly RunContext _run;
    private readonly CostModel _costs;
    private readonly TableWriter _events;
    private readonly TableWriter _summary;
    private readonly int _line, _op, _pid, _device, _kind, _call, _site, _start, _end, _pages, _invalidates, _redundant, _costColumn;
    // Per mm: page -> sequence number of the last PTE change that took access away.
    private readonly Dictionary<int, Dictionary<ulong, long>> _lostAccess = [];
    private readonly Dictionary<int, Subscriber> _subscribers = [];
    // invalidate_range_start calls waiting for their range_end, per subscriber (brackets may nest).
    private readonly Dictionary<int, List<Effect>> _openStarts = [];
    private long _seq;
    private long _calls, _invalidations, _redundantCalls;
    private double _cost, _redundantCost;

    public NotificationAnalyzer(RunContext run)
    {
        _run = run;
        _costs = run.Costs;
        _events = new TableWriter(run, NotificationSchemas.Events);
        _summary = new TableWriter(run, NotificationSchemas.Summary);
        _line = _events.Column("line");
        _op = _events.Column("op");
        _pid = _events.Column("pid");
        _device = _events.Column("device");
        _kind = _events.Column("device_kind");
        _call = _events.Column("call");
        _site = _events.Column("call_site");
        _start = _events.Column("start");
        _end = _events.Column("end");
        _pages = _events.Column("pages");
        _invalidates = _events.Column("invalidates");
        _redundant = _events.Column("redundant");
        _costColumn = _events.Column("cost_us");
    }

    public IReadOnlyList<Metric> Metrics =>
    [
        new("notifier_calls", _calls),
        new("notifier_redundant", _redundantCalls),
        new("notifier_cost_us", Math.Round(_cost, 3)),
        new("notifier_redundant_cost_us", Math.Round(_redundantCost, 3)),
    ];

    public EffectKinds Consumes => EffectKinds.PteChange | EffectKinds.Notifier;

    public void Observe(ReadOnlySpan<Effect> effects)
    {
        foreach (ref readonly var e in effects)
        {
            if (e.Kind == EffectKind.PteChange && TakesAccessAway(e.Aux, e.Value))
            {
                Changes(e.Pid)[e.Addr >> PageShift] = ++_seq;
            }
            else if (e.Kind == EffectKind.Notifier)
            {
                Notified(in e);
            }
        }
    }

    public IReadOnlyList<TableEntry> Complete()
    {
        foreach (var starts in _openStarts.Values)
        {
            // A bracket never closed: judge it with what happened up to the end of the trace.
            foreach (var start in starts)
            {
                Record(in start, Judge(in start));
            }
        }

        var w = _summary.Arrow;
        w.Int64(_summary.Column("calls")).Append(_calls);
        w.Int64(_summary.Column("invalidations")).Append(_invalidations);
        w.Int64(_summary.Column("redundant")).Append(_redundantCalls);
        w.Float64(_summary.Column("cost_us")).Append(_cost);
        w.Float64(_summary.Column("redundant_cost_us")).Append(_redundantCost);
        _summary.EndRow();
        return [_events.Complete(), _summary.Complete()];
    }

    public void Dispose()
    {
        _events.Dispose();
        _summary.Dispose();
    }

    /// <summary>Did this PTE change remove something a secondary TLB may hold (so an invalidation is needed)?</summary>
    public static bool TakesAccessAway(ulong old, ulong neu)
    {
        if (!Pte.IsCpuPresent(old))
        {
            return false;
        }

        return !Pte.IsCpuPresent(neu)
            || Pte.Frame(old) != Pte.Frame(neu)
            || ((old & Pte.Write) != 0 && (neu & Pte.Write) == 0);
    }

    private void Notified(in Effect e)
    {
        switch ((NotifierCallKind)e.Detail)
        {
            case NotifierCallKind.RangeStart:
                if (!_openStarts.TryGetValue(e.Device, out var open))
                {
                    open = [];
                    _openStarts[e.Device] = open;
                }

                open.Add(e);
                break;
            case NotifierCallKind.RangeEnd:
                if (_openStarts.TryGetValue(e.Device, out var starts) && starts.Count > 0)
                {
                    var start = starts[^1];
                    starts.RemoveAt(starts.Count - 1);
                    Record(in start, Judge(in start));
                }

                Record(in e, redundant: false);
                break;
            default:
                Record(in e, Judge(in e));
                break;
        }
    }

    /// <summary>Judge an invalidation now (needed if a page in range lost access since this subscriber last invalidated it) and remember it.</summary>
    private bool Judge(in Effect e)
    {
        var full = e.End == ulong.MaxValue && e.Addr == 0;
        var subscriber = SubscriberOf(e.Device);
        var redundant = !Needed(subscriber, e.Pid, e.Addr, e.End, full);
        subscriber.Invalidated(e.Addr, e.End, full, ++_seq);
        return redundant;
    }

    private void Record(in Effect e, bool redundant)
    {
        var call = (NotifierCallKind)e.Detail;
        var invalidates = call != NotifierCallKind.RangeEnd;
        var full = e.End == ulong.MaxValue && e.Addr == 0;
        var pages = full ? -1 : (long)((e.End - e.Addr) >> PageShift);
        var kind = KindOf(in e, call);
        double cost = 0;
        if (invalidates)
        {
            cost = kind switch
            {
                0 => _costs.KvmZapUs,
                1 => _costs.IommuIotlbInvalidationUs,
                2 => _costs.IommuIotlbInvalidationUs + _costs.AtsDeviceTlbInvalidationUs,
                _ => _costs.IommuIotlbInvalidationUs,
            };
            _invalidations++;
        }

        _calls++;
        _cost += cost;
        if (redundant)
        {
            _redundantCalls++;
            _redundantCost += cost;
        }

        var w = _events.Arrow;
        w.Int64(_line).Append(e.Line);
        w.Dictionary(_op).Append(Vocabulary.Op(e.Op));
        w.Int32(_pid).Append(e.Pid);
        w.Utf8(_device).Append(_run.DeviceName(e.Device));
        w.Dictionary(_kind).Append(kind);
        w.Dictionary(_call).Append(e.Detail - 1);
        w.Dictionary(_site).Append(e.Scope < NotificationSchemas.CallSites.Count ? e.Scope : 0);
        w.UInt64(_start).Append(e.Addr);
        w.UInt64(_end).Append(e.End);
        w.Int64(_pages).Append(pages);
        w.Bool(_invalidates).Append(invalidates);
        w.Bool(_redundant).Append(redundant);
        w.Float64(_costColumn).Append(cost);
        _events.EndRow();
    }

    /// <summary>
    /// Subscriber kind: the model puts DeviceKind + 1 in Aux; without it, start/end callbacks mean a KVM-style
    /// subscriber and invalidate_range callbacks a device sharing the CPU page table (MN-0, section 3.4).
    /// </summary>
    private static int KindOf(in Effect e, NotifierCallKind call)
    {
        if (e.Aux is >= 1 and <= 3)
        {
            return (int)e.Aux - 1;
        }

        return call is NotifierCallKind.RangeStart or NotifierCallKind.RangeEnd ? 0 : 2;
    }

    private bool Needed(Subscriber subscriber, int pid, ulong start, ulong end, bool full)
    {
        if (!_lostAccess.TryGetValue(pid, out var changes) || changes.Count == 0)
        {
            return false;
        }

        var first = start >> PageShift;
        var last = end == ulong.MaxValue ? ulong.MaxValue : (end - 1) >> PageShift;
        if (full || last - first + 1 > WideRange)
        {
            foreach (var (page, seq) in changes)
            {
                if (page >= first && page <= last && seq > subscriber.LastInvalidated(page))
                {
                    return true;
                }
            }

            return false;
        }

        for (var page = first; page <= last; page++)
        {
            if (changes.TryGetValue(page, out var seq) && seq > subscriber.LastInvalidated(page))
            {
                return true;
            }
        }

        return false;
    }

    private Dictionary<ulong, long> Changes(int pid)
    {
        if (!_lostAccess.TryGetValue(pid, out var changes))
        {
            changes = [];
            _lostAccess[pid] = changes;
        }

        return changes;
    }

    private Subscriber SubscriberOf(int device)
    {
        if (!_subscribers.TryGetValue(device, out var subscriber))
        {
            subscriber = new Subscriber();
            _subscribers[device] = subscriber;
        }

        return subscriber;
    }

    /// <summary>When one subscriber last invalidated each page: per page for narrow ranges, as ranges for wide ones.</summary>
    private sealed class Subscriber
    {
        private readonly Dictionary<ulong, long> _pages = [];
        private readonly List<(ulong First, ulong Last, long Seq)> _wide = [];
        private long _full = -1;

        public long LastInvalidated(ulong page)
        {
            var seq = _full;
            if (_pages.TryGetValue(page, out var s) && s > seq)
            {
                seq = s;
            }

            foreach (var (first, last, wideSeq) in _wide)
            {
                if (page >= first && page <= last && wideSeq > seq)
                {
                    seq = wideSeq;
                }
            }

            return seq;
        }

        public void Invalidated(ulong start, ulong end, bool full, long seq)
        {
            if (full)
            {
                _full = seq;
                _pages.Clear();
                _wide.Clear();
                return;
            }

            var first = start >> PageShift;
            var last = end == ulong.MaxValue ? ulong.MaxValue : (end - 1) >> PageShift;
            if (last - first + 1 > WideRange)
            {
                if (_wide.Count == MaxWideInvalidations)
                {
                    // Forgetting the oldest can only make a later call look needed, never wrongly redundant.
                    _wide.RemoveAt(0);
                }

                _wide.Add((first, last, seq));
                return;
            }

            for (var page = first; page <= last; page++)
            {
                _pages[page] = seq;
            }
        }
    }
}
