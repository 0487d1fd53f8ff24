using MmReplay.Replay.Model;

namespace MmReplay.Replay.Ops;

/// <summary>
/// do_fault_around on a read fault of a file mapping (do_read_fault, should_fault_around): the window of
/// fault_around_bytes (64 KiB) aligned in the address space, clipped to the VMA and to the faulting page's leaf
/// table; filemap_map_pages maps every pte_none slot whose page is already in the page cache with vm_page_prot
/// (young on x86: arch_wants_old_prefaulted_pte is false), under the same PT lock. Not for device mappings (no
/// map_pages) nor uffd-wp registered VMAs (uffd_disable_fault_around). Pages not cached stay unmapped: the
/// model has no readahead.
/// </summary>
internal static class FaultAround
{
    public static void Map(Machine m, AddressSpace mm, in Vma vma, int table, ulong va)
    {
        var pages = (ulong)m.Config.FaultAroundBytes >> m.PageShift;
        if (pages <= 1 || vma.Kind == FileKind.Device || vma.Has(VmaFlags.UffdWp))
        {
            return;
        }

        var span = pages << m.PageShift;
        var start = Math.Max(va & ~(span - 1), Math.Max(vma.Start, va & ~(m.PageSize * LeafTables.Entries - 1)));
        var end = Math.Min(Math.Min(start + span, vma.End), Zap.LeafEnd(m, va));
        var prot = VmaRules.ProtBits(vma);
        for (var a = start; a < end; a += m.PageSize)
        {
            ref var pte = ref mm.Pte(table, a);
            if (a == va || pte != Pte.None || !m.TryPageCacheFrame(vma.FileId, vma.PgOffOf(a, m.PageShift), out var frame))
            {
                continue;
            }

            m.Frames.RefCount(frame)++;
            m.Frames.MapCount(frame)++;
            pte = Pte.WithFrame(Pte.Present | Pte.Young | prot, frame);
            m.EmitPte(a, Pte.None, pte, PteChangeKind.Install, m.Current.Pid);
        }
    }
}
