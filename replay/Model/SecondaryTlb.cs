namespace MmReplay.Replay.Model;

/// <summary>
/// One mmu_notifier subscriber with its device TLB (8.1 "Secondary TLB"): either a secondary MMU with its own
/// page table (KVM, HMM: zaps in invalidate_range_start and blocks refaults until end) or a device that walks
/// the CPU page table and caches translations (IOMMU SVA / ATS: needs invalidate_range, from v6.6
/// arch_invalidate_secondary_tlbs). Translations are cached per page: frame and write permission.
/// </summary>
public sealed class SecondaryTlb
{
    private readonly Dictionary<ulong, Translation> _entries = [];

    public SecondaryTlb(int device, bool ownPageTable, int mmId)
    {
        Device = device;
        OwnPageTable = ownPageTable;
        MmId = mmId;
    }

    /// <summary>The trace's device id (Effect.Device).</summary>
    public int Device { get; }

    /// <summary>KVM/HMM-style (start/end) rather than a device sharing the CPU page table (invalidate_range).</summary>
    public bool OwnPageTable { get; }

    /// <summary>The mm the notifier is registered on.</summary>
    public int MmId { get; }

    /// <summary>invalidate_range_start calls not yet ended (KVM's mmu_invalidate_in_progress): refaults wait.</summary>
    public int InvalidateDepth { get; set; }

    /// <summary>The newest trace line whose write this device has read through a fresh translation (MN-1 ordering check).</summary>
    public long NewestSeenWrite { get; set; }

    public int Count => _entries.Count;

    public bool TryGet(ulong vpn, out Translation t) => _entries.TryGetValue(vpn, out t);

    public void Fill(ulong vpn, int frame, bool write) => _entries[vpn] = new Translation(frame, write);

    /// <summary>Drop the cached translations of [startVpn, endVpn) (inclusive of partial pages at the caller).</summary>
    public void Invalidate(ulong startVpn, ulong endVpn)
    {
        if (_entries.Count == 0)
        {
            return;
        }

        if (endVpn - startVpn > (ulong)_entries.Count)
        {
            // A wide range (often [0, -1)): scan the entries rather than the range.
            foreach (var vpn in _entries.Keys)
            {
                if (vpn >= startVpn && vpn < endVpn)
                {
                    _entries.Remove(vpn);
                }
            }

            return;
        }

        for (var vpn = startVpn; vpn < endVpn; vpn++)
        {
            _entries.Remove(vpn);
        }
    }

    public void Clear() => _entries.Clear();

    /// <summary>A cached translation.</summary>
    public readonly record struct Translation(int Frame, bool Write);
}
