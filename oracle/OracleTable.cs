using MmReplay.Analyze.Compare;
using MmReplay.Arrow;

namespace MmReplay.Oracle;

/// <summary>Writes <see cref="OracleRow"/>s as the <c>oracle</c> Arrow table (temporary name, renamed when complete).</summary>
public static class OracleTable
{
    public static void Write(string path, IEnumerable<OracleRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var w = ArrowWriter.Create(path, OracleSchema.Table.ToArrow());
        foreach (OracleRow r in rows)
        {
            w.Utf8(0).Append(r.Trace);
            w.Utf8(1).Append(r.Policy);
            w.UInt64(2).Append(r.Seed);
            w.Utf8(3).Append(r.Kernel);
            w.Int64(4).Append(r.Line);
            w.Int32(5).Append(r.Pid);
            w.Utf8(6).Append(r.Op);
            w.Utf8(7).Append(r.Observation);
            w.UInt64(8).Append(r.Addr);
            AppendNullable(w.UInt64(9), r.KernelValue);
            AppendNullable(w.UInt64(10), r.ModelValue);
            AppendNullable(w.Int32(11), r.KernelFaults);
            AppendNullable(w.Int32(12), r.ModelFaults);
            w.Bool(13).Append(r.Agree);
            w.Utf8(14).Append(r.Note);
            w.EndRow();
        }
        w.Complete();
    }

    private static void AppendNullable<T>(PrimitiveColumnBuilder<T> column, T? value)
        where T : unmanaged
    {
        if (value is { } v)
            column.Append(v);
        else
            column.AppendNull();
    }
}
