namespace MmReplay.Ingest;

/// <summary>The words each enumerated argument of trace format v1 accepts, with the value each maps to.</summary>
public static class ArgValues
{
    public static readonly AsciiLookup<Prot> Prot = new([
        new("none", Ingest.Prot.None), new("r", Ingest.Prot.Read), new("rw", Ingest.Prot.Read | Ingest.Prot.Write),
        new("rx", Ingest.Prot.Read | Ingest.Prot.Exec), new("rwx", Ingest.Prot.Read | Ingest.Prot.Write | Ingest.Prot.Exec)]);

    /// <summary>map=: true for shared.</summary>
    public static readonly AsciiLookup<bool> Map = new([new("private", false), new("shared", true)]);

    public static readonly AsciiLookup<Backing> Backing = new([
        new("anon", Ingest.Backing.Anon), new("file", Ingest.Backing.File), new("device", Ingest.Backing.Device)]);

    public static readonly AsciiLookup<FileSystem> Fs = new([new("ext4", FileSystem.Ext4), new("shmem", FileSystem.Shmem)]);

    public static readonly AsciiLookup<MmapFlags> MmapFlags = new([
        new("populate", Ingest.MmapFlags.Populate), new("hugepage", Ingest.MmapFlags.HugePage),
        new("io", Ingest.MmapFlags.Io), new("pfnmap", Ingest.MmapFlags.PfnMap)]);

    public static readonly AsciiLookup<PinFlags> PinFlags = new([
        new("write", Ingest.PinFlags.Write), new("longterm", Ingest.PinFlags.LongTerm), new("force", Ingest.PinFlags.Force),
        new("fast", Ingest.PinFlags.Fast), new("honor_numa", Ingest.PinFlags.HonorNuma)]);

    public static readonly AsciiLookup<Advice> Advice = new([
        new("dontneed", Ingest.Advice.DontNeed), new("dontfork", Ingest.Advice.DontFork), new("dofork", Ingest.Advice.DoFork),
        new("wipeonfork", Ingest.Advice.WipeOnFork), new("pageout", Ingest.Advice.PageOut), new("mergeable", Ingest.Advice.Mergeable),
        new("hugepage", Ingest.Advice.HugePage), new("nohugepage", Ingest.Advice.NoHugePage)]);

    public static readonly AsciiLookup<Access> Access = new([
        new("read", Ingest.Access.Read), new("write", Ingest.Access.Write), new("exec", Ingest.Access.Exec)]);

    /// <summary>enable=, async=, clear=: 1 or 0.</summary>
    public static readonly AsciiLookup<bool> Bit = new([new("1", true), new("0", false)]);

    /// <summary>pagemap_scan want=: only "written" exists in v1.</summary>
    public static readonly AsciiLookup<bool> Want = new([new("written", true)]);

    public static readonly AsciiLookup<DeviceKind> Kind = new([
        new("kvm", DeviceKind.Kvm), new("iommu", DeviceKind.Iommu), new("ats", DeviceKind.Ats)]);

    /// <summary>tlb_flush reason=; remote_wrong_cpu is the kernel's sixth reason, accepted beyond the spec's five.</summary>
    public static readonly AsciiLookup<TlbFlushReason> Reason = new([
        new("task_switch", TlbFlushReason.TaskSwitch), new("remote_shootdown", TlbFlushReason.RemoteShootdown),
        new("local_shootdown", TlbFlushReason.LocalShootdown), new("local_mm_shootdown", TlbFlushReason.LocalMmShootdown),
        new("remote_send_ipi", TlbFlushReason.RemoteSendIpi), new("remote_wrong_cpu", TlbFlushReason.RemoteWrongCpu)]);

    public static readonly AsciiLookup<NotifierCall> Call = new([
        new("invalidate_range_start", NotifierCall.InvalidateRangeStart), new("invalidate_range_end", NotifierCall.InvalidateRangeEnd),
        new("invalidate_range", NotifierCall.InvalidateRange), new("invalidate_secondary_tlbs", NotifierCall.InvalidateSecondaryTlbs)]);

    /// <summary>notifier event=: the kernel's mmu_notifier_event names without the MMU_NOTIFY_ prefix.</summary>
    public static readonly AsciiLookup<NotifierEvent> Event = new([
        new("unmap", NotifierEvent.Unmap), new("clear", NotifierEvent.Clear), new("protection_vma", NotifierEvent.ProtectionVma),
        new("protection_page", NotifierEvent.ProtectionPage), new("soft_dirty", NotifierEvent.SoftDirty),
        new("release", NotifierEvent.Release), new("migrate", NotifierEvent.Migrate), new("exclusive", NotifierEvent.Exclusive)]);
}
