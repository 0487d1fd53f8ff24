using System.Text.Json;

namespace MmReplay.Analyze.Costs;

/// <summary>
/// Microsecond costs of the operations the analyzers count. Defaults carry their sources in docs/costs.md;
/// `--costs file.json` overrides any subset (unknown keys are an error, so a typo cannot go unnoticed).
/// </summary>
public sealed record CostModel
{
    /// <summary>invlpg of one page on the local CPU (~100 ns).</summary>
    public double LocalPageFlushUs { get; init; } = 0.1;

    /// <summary>A full local flush (CR3 write) plus the refills it causes.</summary>
    public double FullFlushUs { get; init; } = 1.0;

    /// <summary>IPI round trip of a remote shootdown (1-3 µs).</summary>
    public double IpiRoundTripUs { get; init; } = 2.0;

    /// <summary>Added per receiving CPU (~0.2 µs).</summary>
    public double IpiPerReceiverUs { get; init; } = 0.2;

    /// <summary>IOMMU IOTLB invalidation through the queued-invalidation interface, waited for.</summary>
    public double IommuIotlbInvalidationUs { get; init; } = 2.0;

    /// <summary>ATS device-TLB invalidation (the device answers over PCIe; i915's GPU TLB invalidation ~40 µs).</summary>
    public double AtsDeviceTlbInvalidationUs { get; init; } = 40.0;

    /// <summary>KVM secondary-MMU zap of a range (SPTE walk + remote TLB flush of the vCPUs).</summary>
    public double KvmZapUs { get; init; } = 5.0;

    /// <summary>A minor page fault (~1 µs).</summary>
    public double MinorFaultUs { get; init; } = 1.0;

    public static CostModel Default { get; } = new();

    /// <summary>The cost of one flush event pair as TL-3 counts it: a logical local flush of <paramref name="pages"/> (-1 = full).</summary>
    public double LocalFlushUs(long pages) => pages < 0 || pages > 33 ? FullFlushUs : pages * LocalPageFlushUs;

    public static CostModel Load(string path)
    {
        var model = Default;
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value.GetDouble();
            model = property.Name switch
            {
                "local_page_flush_us" => model with { LocalPageFlushUs = value },
                "full_flush_us" => model with { FullFlushUs = value },
                "ipi_round_trip_us" => model with { IpiRoundTripUs = value },
                "ipi_per_receiver_us" => model with { IpiPerReceiverUs = value },
                "iommu_iotlb_invalidation_us" => model with { IommuIotlbInvalidationUs = value },
                "ats_device_tlb_invalidation_us" => model with { AtsDeviceTlbInvalidationUs = value },
                "kvm_zap_us" => model with { KvmZapUs = value },
                "minor_fault_us" => model with { MinorFaultUs = value },
                _ => throw new ArgumentException($"{path}: unknown cost '{property.Name}' (see docs/costs.md)"),
            };
        }

        return model;
    }
}
