using System.Globalization;
using System.Text;
using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;

namespace MmReplay.Analyze.Validation;

/// <summary>Writes a <see cref="ValidationReport"/> as the <c>agreement</c> and <c>agreement_regions</c> Arrow tables.</summary>
public static class AgreementTables
{
    public static IReadOnlyList<TableEntry> Write(RunContext run, ValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(report);
        return [WriteOps(run, report), WriteRegions(run, report)];
    }

    private static TableEntry WriteOps(RunContext run, ValidationReport report)
    {
        using var table = new TableWriter(run, AgreementSchemas.Ops);
        var w = table.Arrow;
        int line = table.Column("line"), op = table.Column("op"), pid = table.Column("pid"), tid = table.Column("tid");
        int cpu = table.Column("cpu"), addr = table.Column("addr"), len = table.Column("len"), group = table.Column("group_line");
        int recCode = table.Column("recorded_error_code"), predCode = table.Column("predicted_error_code"), resolution = table.Column("resolution");
        int recLocal = table.Column("recorded_local_flushes"), predLocal = table.Column("predicted_local_flushes");
        int recIpi = table.Column("recorded_ipi_sends"), predIpi = table.Column("predicted_ipi_sends");
        int recRemote = table.Column("recorded_remote_shootdowns"), predRemote = table.Column("predicted_remote_shootdowns");
        int fault = table.Column("fault_verdict"), local = table.Column("local_verdict"), remote = table.Column("remote_verdict");
        int verdict = table.Column("verdict"), note = table.Column("note");
        foreach (var row in report.Rows)
        {
            var e = row.Event;
            w.Int64(line).Append(e.Line);
            w.Dictionary(op).Append(Vocabulary.Op(e.Op));
            w.Int32(pid).Append(e.Pid);
            w.Int32(tid).Append(e.Tid);
            w.Int32(cpu).Append(e.Cpu);
            w.UInt64(addr).Append(e.Addr);
            w.UInt64(len).Append(e.Len);
            w.Int64(group).Append(row.GroupLine);
            w.Int64(recCode).Append(e.Op == Ingest.OpCode.Fault ? e.ErrorCode : -1);
            w.Int64(predCode).Append(row.PredictedErrorCode);
            w.Dictionary(resolution).Append((int)row.PredictedResolution);
            var recorded = row.RecordedFlushes;
            var predicted = row.PredictedFlushes;
            w.Utf8(recLocal).Append(recorded is null ? "" : FlushTally.Format(recorded.LocalPages));
            w.Utf8(predLocal).Append(predicted is null ? "" : FlushTally.Format(predicted.LocalPages));
            w.Utf8(recIpi).Append(recorded is null ? "" : FlushTally.Format(recorded.IpiSendPages));
            w.Utf8(predIpi).Append(predicted is null ? "" : FlushTally.Format(predicted.IpiSendPages));
            w.Int32(recRemote).Append(recorded?.RemoteShootdowns ?? 0);
            w.Int32(predRemote).Append(predicted?.RemoteShootdowns ?? 0);
            w.Dictionary(fault).Append((int)row.Fault);
            w.Dictionary(local).Append((int)row.Local);
            w.Dictionary(remote).Append((int)row.Remote);
            w.Dictionary(verdict).Append((int)row.Overall);
            w.Utf8(note).Append(row.Note);
            table.EndRow();
        }

        return table.Complete();
    }

    private static TableEntry WriteRegions(RunContext run, ValidationReport report)
    {
        using var table = new TableWriter(run, AgreementSchemas.Regions);
        var w = table.Arrow;
        int line = table.Column("line"), pid = table.Column("pid"), start = table.Column("start"), end = table.Column("end");
        int recFaults = table.Column("recorded_faults"), predFaults = table.Column("predicted_faults");
        int recLocal = table.Column("recorded_local_flushes"), predLocal = table.Column("predicted_local_flushes");
        int verdict = table.Column("verdict");
        foreach (var r in report.Regions)
        {
            w.Int64(line).Append(r.Line);
            w.Int32(pid).Append(r.Pid);
            w.UInt64(start).Append(r.Start);
            w.UInt64(end).Append(r.End);
            w.Utf8(recFaults).Append(Codes(r.RecordedFaults));
            w.Utf8(predFaults).Append(Codes(r.PredictedFaults));
            w.Int64(recLocal).Append(r.RecordedLocalFlushes);
            w.Int64(predLocal).Append(r.PredictedLocalFlushes);
            w.Dictionary(verdict).Append((int)(r.Agrees ? Verdict.Agree : Verdict.Disagree));
            table.EndRow();
        }

        return table.Complete();
    }

    /// <summary>Fault counts by code as "0x4:64 0x7:16".</summary>
    public static string Codes(SortedDictionary<uint, int> codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        var b = new StringBuilder();
        foreach (var (code, count) in codes)
        {
            b.Append(b.Length == 0 ? "" : " ").Append(CultureInfo.InvariantCulture, $"0x{code:x}:{count}");
        }

        return b.ToString();
    }
}
