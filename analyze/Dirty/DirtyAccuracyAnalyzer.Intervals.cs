using MmReplay.Analyze.Runs;
using MmReplay.Analyze.Tables;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Model;

namespace MmReplay.Analyze.Dirty;

/// <summary>Closing a tracking interval: classify its pages, carry what survives the boundary, write the rows.</summary>
public sealed partial class DirtyAccuracyAnalyzer
{
    /// <summary>Finalize the pages still holding a report (in address order), write the interval's row, start the next.</summary>
    private void CloseInterval(DirtyTracker t, long endLine, bool resetPages)
    {
        var slots = t.Pages.Slots;
        var n = 0;
        for (var i = 0; i < slots.Length; i++)
        {
            if (slots[i].Key != 0 && slots[i].Class != DirtyClass.Unread)
            {
                if (n == _sortKeys.Length)
                {
                    Array.Resize(ref _sortKeys, n * 2);
                    Array.Resize(ref _sortSlots, n * 2);
                }

                _sortKeys[n] = slots[i].Key;
                _sortSlots[n++] = i;
            }
        }

        Array.Sort(_sortKeys, _sortSlots, 0, n);
        for (var i = 0; i < n; i++)
        {
            ref var page = ref slots[_sortSlots[i]];
            Finalize(t, in page);
            page.Class = DirtyClass.Unread;
        }

        if (t.PagesRead > 0)
        {
            WriteAccuracy(t, endLine);
        }

        if (resetPages)
        {
            CarrySoftDirtyPtes(t);
        }

        t.NextInterval(endLine);
    }

    /// <summary>
    /// A soft-dirty boundary forgets the interval's pages but keeps those whose PTE is soft-dirty: the clear's
    /// own PteChanges follow and update them; one it skips still reads dirty (SD-16), which only that PTE tells.
    /// </summary>
    private void CarrySoftDirtyPtes(DirtyTracker t)
    {
        var n = 0;
        foreach (ref readonly var page in t.Pages.Slots)
        {
            if (page.Key != 0 && (page.Pte & Pte.SoftDirty) != 0 && (page.Pte & (Pte.Present | Pte.Swap)) != 0)
            {
                if (n == _carry.Length)
                {
                    Array.Resize(ref _carry, n * 2);
                }

                _carry[n] = page;
                _carry[n++].Restart();
            }
        }

        t.Pages.Clear();
        for (var i = 0; i < n; i++)
        {
            t.Pages.GetOrAdd(_carry[i].Key) = _carry[i];
        }
    }

    private void Finalize(DirtyTracker t, in PageTrack page)
    {
        t.Count(page.Class);
        switch (page.Class)
        {
            case DirtyClass.TruePositive:
                _truePositives++;
                break;
            case DirtyClass.FalsePositive:
                _falsePositives++;
                WriteSpurious(t, in page);
                break;
            case DirtyClass.FalseNegative:
                _falseNegatives++;
                WriteMissed(t, in page);
                break;
        }
    }

    private void WriteAccuracy(DirtyTracker t, long endLine)
    {
        var w = _accuracy.Arrow;
        var c = TableSchema.CommonColumns.Count; // values follow the schema's column order
        long tp = t.TruePositives, fp = t.FalsePositives, fn = t.FalseNegatives;
        w.Int32(c++).Append(t.Pid);
        w.Dictionary(c++).Append((int)t.Interface);
        w.Int64(c++).Append(t.Interval);
        w.Int64(c++).Append(t.StartLine);
        w.Int64(c++).Append(endLine);
        w.Int64(c++).Append(t.PagesRead);
        w.Int64(c++).Append(tp + fn);
        w.Int64(c++).Append(tp);
        w.Int64(c++).Append(fp);
        w.Int64(c++).Append(fn);
        w.Int64(c++).Append(t.TrueNegatives);
        AppendRatio(w.Float64(c++), tp, tp + fp);
        AppendRatio(w.Float64(c++), tp, tp + fn);
        _accuracy.EndRow();
    }

    private static void AppendRatio(MmReplay.Arrow.PrimitiveColumnBuilder<double> column, long numerator, long denominator)
    {
        if (denominator == 0)
        {
            column.AppendNull();
        }
        else
        {
            column.Append((double)numerator / denominator);
        }
    }

    private void WriteMissed(DirtyTracker t, in PageTrack page)
    {
        _missedColumns.Append(t, in page);
        _missedWrites.Append(page.WritesAtRead);
        _missedFirstWrite.Append(page.FirstWriteLineAtRead);
        _missedLastWrite.Append(page.LastWriteLineAtRead);
        _missed.EndRow();
    }

    private void WriteSpurious(DirtyTracker t, in PageTrack page)
    {
        _spuriousColumns.Append(t, in page);
        _spuriousPresent.Append(page.ReadPresent);
        _spurious.EndRow();
    }
}
