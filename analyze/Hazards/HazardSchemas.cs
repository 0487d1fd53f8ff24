using MmReplay.Analyze.Tables;
using MmReplay.Arrow;

namespace MmReplay.Analyze.Hazards;

/// <summary>Tables of the hazard analyzer (documented in docs/schemas.md).</summary>
public static class HazardSchemas
{
    public static IReadOnlyList<string> OrderingKinds { get; } = ["stale_translation", "out_of_order"];

    public static TableSchema PinCoherence { get; } = new(
        "pin_coherence",
        "a pinned frame whose CPU mapping and device (DMA) view diverged, seen by one access",
        [
            new("line", ArrowType.Int64, "source line of the access that saw the divergence"),
            new("op", ArrowType.DictionaryUtf8, "that access (write, read, dma_read, dma_write)") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process"),
            new("address", ArrowType.UInt64, "virtual page address"),
            new("pinned_frame", ArrowType.UInt64, "frame the device holds pinned"),
            new("cpu_frame", ArrowType.UInt64, "frame the CPU mapping now points at (null: none mapped)", Nullable: true),
            new("cause_line", ArrowType.Int64, "source line of the op that broke coherence: the first divergence seen for this frame (e.g. the COW write after fork)"),
        ]);

    public static TableSchema DeviceOrdering { get; } = new(
        "device_ordering",
        "a device access that used a stale translation, or saw new data for one address and old for another (MN-1)",
        [
            new("line", ArrowType.Int64, "source line of the device access"),
            new("op", ArrowType.DictionaryUtf8, "the access (dev_read, dev_write)") { Values = Vocabulary.Ops },
            new("pid", ArrowType.Int32, "process whose memory the device accessed"),
            new("device", ArrowType.Utf8, "subscriber (dev= name)"),
            new("kind", ArrowType.DictionaryUtf8, "stale_translation: the cached frame was freed or the PTE points elsewhere; out_of_order: MN-1 case A/B") { Values = OrderingKinds },
            new("address", ArrowType.UInt64, "virtual page address"),
            new("device_frame", ArrowType.UInt64, "frame the device used"),
            new("cpu_frame", ArrowType.UInt64, "frame the CPU page table maps (null: none)", Nullable: true),
            new("cause_line", ArrowType.Int64, "source line of the first hazard seen for this device frame"),
        ]);
}
