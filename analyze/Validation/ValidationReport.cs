using System.Globalization;
using System.Text;
using MmReplay.Ingest;

namespace MmReplay.Analyze.Validation;

/// <summary>Everything <see cref="TraceValidator"/> found: per-op rows, regions, CPUs, unattributed flushes, counts.</summary>
public sealed class ValidationReport
{
    private readonly VerdictCounts[] _counts = [new(), new(), new()];
    private readonly SortedDictionary<int, CpuTaskSwitches> _cpus = [];

    internal ValidationReport(string policy) => Policy = policy;

    public string Policy { get; }

    /// <summary>One row per replayed op, in trace order.</summary>
    public List<OpAgreement> Rows { get; } = [];

    /// <summary>Traced mappings with at least one fault or flush, in trace order.</summary>
    public List<RegionAgreement> Regions { get; } = [];

    public List<UnattributedFlush> Unattributed { get; } = [];

    /// <summary>Ops the model does not replay yet (not compared).</summary>
    public long NotReplayed { get; internal set; }

    public IEnumerable<CpuTaskSwitches> Cpus => _cpus.Values;

    public VerdictCounts Counts(ComparisonKind kind) => _counts[(int)kind];

    /// <summary>All comparisons of every kind together.</summary>
    public VerdictCounts Total
    {
        get
        {
            var all = new VerdictCounts();
            foreach (var c in _counts)
            {
                all.Add(c);
            }

            return all;
        }
    }

    internal CpuTaskSwitches TaskSwitches(int cpu)
    {
        if (!_cpus.TryGetValue(cpu, out var tally))
        {
            _cpus[cpu] = tally = new CpuTaskSwitches(cpu);
        }

        return tally;
    }

    /// <summary>The terminal summary: agreement per kind, regions, disagreements (all), cannot-tell cases (the first few).</summary>
    public string Summary(string trace, int maxCannotTell = 20)
    {
        var c = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        var total = Total;
        b.AppendLine(c, $"validate {trace} under {Policy}: {Rows.Count} ops replayed, {NotReplayed} not replayed");
        b.AppendLine(c, $"  agreement {total.AgreementPercent:F1}% of {total.Decided} decided comparisons ({total.Agree} agree, {total.Disagree} disagree); {total.CannotTell} cannot tell");
        foreach (var kind in Enum.GetValues<ComparisonKind>())
        {
            var k = Counts(kind);
            b.AppendLine(c, $"  {Label(kind),-15} {k.Agree,6} agree {k.Disagree,6} disagree {k.CannotTell,6} cannot tell ({k.AgreementPercent:F1}%)");
        }

        b.AppendLine("regions (traced mappings): faults by error code, local flushes; kernel | model");
        foreach (var r in Regions)
        {
            b.AppendLine(c, $"  {(r.Agrees ? "agree   " : "DISAGREE")} 0x{r.Start:x}-0x{r.End:x} ({(r.End - r.Start) >> 12} pages, line {r.Line}, pid {r.Pid}): faults {Codes(r.RecordedFaults)} | {Codes(r.PredictedFaults)}; local flushes {r.RecordedLocalFlushes} | {r.PredictedLocalFlushes}");
        }

        b.AppendLine("task-switch flushes by CPU (not compared): kernel full/none | model full/none");
        foreach (var cpu in Cpus)
        {
            b.AppendLine(c, $"  cpu{cpu.Cpu}: {cpu.RecordedFull}/{cpu.RecordedNone} | {cpu.PredictedFull}/{cpu.PredictedNone}");
        }

        var disagreements = 0;
        var cannotTell = 0;
        var cannot = new StringBuilder();
        b.AppendLine("disagreements:");
        foreach (var row in Rows)
        {
            var overall = row.Overall;
            if (overall == Verdict.Disagree)
            {
                disagreements++;
                b.AppendLine(c, $"  {Describe(row)}: {row.Note}");
            }
            else if (overall == Verdict.CannotTell && cannotTell++ < maxCannotTell)
            {
                cannot.AppendLine(c, $"  {Describe(row)}: {row.Note}");
            }
        }

        if (disagreements == 0)
        {
            b.AppendLine("  none");
        }

        b.AppendLine(c, $"cannot tell ({cannotTell} ops{(cannotTell > maxCannotTell ? $", first {maxCannotTell}" : "")}):");
        b.Append(cannot);
        b.AppendLine(c, $"recorded flushes no replayed op explains: {Unattributed.Count}");
        foreach (var u in Unattributed)
        {
            b.AppendLine(c, $"  line {u.Line} tid {u.Tid} cpu{u.Cpu} reason {(int)u.Reason} pages {u.Pages}: {u.Why}");
        }

        return b.ToString();
    }

    private static string Describe(OpAgreement row)
    {
        var e = row.Event;
        var what = e.Op == OpCode.Fault
            ? string.Create(CultureInfo.InvariantCulture, $"fault 0x{e.Addr:x} error_code=0x{e.ErrorCode:x}")
            : string.Create(CultureInfo.InvariantCulture, $"{OpTable.Name(e.Op)} 0x{e.Addr:x}+0x{e.Len:x}");
        return string.Create(CultureInfo.InvariantCulture, $"line {e.Line} pid {e.Pid} tid {e.Tid} cpu{e.Cpu} {what}");
    }

    private static string Codes(SortedDictionary<uint, int> codes) => codes.Count == 0 ? "none" : AgreementTables.Codes(codes);

    private static string Label(ComparisonKind kind) => kind switch
    {
        ComparisonKind.FaultCode => "fault codes",
        ComparisonKind.LocalFlushes => "local flushes",
        _ => "remote flushes",
    };
}
