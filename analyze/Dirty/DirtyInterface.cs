namespace MmReplay.Analyze.Dirty;

/// <summary>A dirty-tracking interface whose reports are checked against the ground truth (index into Vocabulary.DirtyInterfaces).</summary>
public enum DirtyInterface : byte
{
    /// <summary>clear_refs 4 starts an interval of the whole mm; /proc/pid/pagemap bit 55 reports (section 1).</summary>
    SoftDirty = 0,
    /// <summary>PAGEMAP_SCAN's written category (uffd-wp async, 1.9); a scan with clear=1 restarts the pages it reported.</summary>
    PagemapScan = 1,
    /// <summary>clean_record_shared_mapping_range's bitmap (DH-3); every clean restarts the pages it reported. Keyed by file page.</summary>
    CleanRange = 2,
}
