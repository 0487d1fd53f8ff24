namespace MmReplay.Ingest;

/// <summary>What an op does with the <c>addr</c> and <c>len</c> columns (docs/trace-format.md, "Addresses").</summary>
public enum AddrRule : byte
{
    /// <summary>The op takes no range: addr and len must be empty.</summary>
    None = 0,
    /// <summary>addr required, any alignment; len defaults to one page.</summary>
    Range,
    /// <summary>addr required and page-aligned; len any (the kernel rounds the end up, as PAGEMAP_SCAN does).</summary>
    AlignedStart,
    /// <summary>addr and len required to be page-aligned (the syscalls return EINVAL otherwise).</summary>
    AlignedRange,
    /// <summary>addr may be empty (a recorded event that may or may not name a range).</summary>
    OptionalRange,
}
