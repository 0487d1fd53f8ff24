using MmReplay.Ingest;
using MmReplay.Oracle;
using MmReplay.Replay;
using ObservationKind = MmReplay.Oracle.ObservationKind;

namespace MmReplay.Oracle.Tests;

/// <summary>The comparer against hand-built kernel observations (no QEMU): agreement, and each kind of disagreement.</summary>
public sealed class OracleComparerTests
{
    private const ulong A = 0x10000000;
    private const ulong P = TraceBuilder.Page;
    private const ulong Present = 1UL << 63, Exclusive = 1UL << 56, SoftDirty = 1UL << 55;

    // L2 mmap 2 pages rw private anon; L3 write p0 (7); L4 write p1 (8); L5 read p0; L6 pagemap p0..p1; L7 tlb_flush (skipped).
    private static readonly TraceEvent[] Trace = new TraceBuilder()
        .Mmap(100, A, 2, Prot.Read | Prot.Write)
        .Write(100, A, value: 7)
        .Write(100, A + P, value: 8)
        .Read(100, A)
        .Pagemap(100, A, 2)
        .Add(new TraceEvent { Op = OpCode.TlbFlush, Pid = 100, Count = -1 })
        .Build();

    // What a kernel shows (and what kernel-semantics says): each first write takes one anonymous fault, the read
    // none; both pages are present, exclusive and soft-dirty (SD-1), on two different frames.
    private static List<KernelObservation> Kernel() =>
    [
        new(3, 100, ObservationKind.Write, A, 7, 1),
        new(4, 100, ObservationKind.Write, A + P, 8, 1),
        new(5, 100, ObservationKind.Read, A, 7, 0),
        new(6, 100, ObservationKind.Pagemap, A, Present | Exclusive | SoftDirty | 0x1234, -1),
        new(6, 100, ObservationKind.Pagemap, A + P, Present | Exclusive | SoftDirty | 0x1235, -1),
    ];

    private static IReadOnlyList<OracleRow> Compare(List<KernelObservation> kernel) =>
        OracleComparer.Compare("t", Trace, new OracleTraceResult("t", OpListTranslator.Translate(Trace), kernel, 0), KernelPolicy.Preset("debian-6.1"), "6.1.0-56-amd64");

    [Fact]
    public void Observations_matching_the_model_agree_and_the_skipped_op_is_a_row()
    {
        IReadOnlyList<OracleRow> rows = Compare(Kernel());
        Assert.All(rows, r => Assert.True(r.Agree, r.ToString()));
        // 5 observations + 3 fault-count rows (the accesses) + 1 skipped op.
        Assert.Equal(9, rows.Count);
        OracleRow skipped = Assert.Single(rows, r => r.Observation == "skipped");
        Assert.Equal(7, skipped.Line);
        Assert.Equal("tlb_flush", skipped.Op);
        OracleRow faults = Assert.Single(rows, r => r.Observation == "faults" && r.Line == 3);
        Assert.Equal((1, 1), (faults.KernelFaults, faults.ModelFaults));
    }

    [Fact]
    public void A_different_value_fault_count_or_pagemap_bit_is_a_disagreement()
    {
        List<KernelObservation> kernel = Kernel();
        kernel[2] = kernel[2] with { Value = 99 };                   // read 99 instead of 7
        kernel[1] = kernel[1] with { Faults = 2 };                   // two faults instead of one
        kernel[3] = kernel[3] with { Value = Present | SoftDirty | 0x1234 }; // not exclusive

        List<OracleRow> wrong = Compare(kernel).Where(r => !r.Agree).ToList();

        Assert.Equal(3, wrong.Count);
        Assert.Contains(wrong, r => r is { Line: 5, Observation: "read", KernelValue: 99, ModelValue: 7 });
        Assert.Contains(wrong, r => r is { Line: 4, Observation: "faults", KernelFaults: 2, ModelFaults: 1 });
        Assert.Contains(wrong, r => r.Line == 6 && r.Addr == A && r.Note.Contains("exclusive", StringComparison.Ordinal));
    }

    [Fact]
    public void Frames_shared_in_the_kernel_but_not_in_the_model_disagree()
    {
        List<KernelObservation> kernel = Kernel();
        kernel[4] = kernel[4] with { Value = Present | Exclusive | SoftDirty | 0x1234 }; // the same pfn as page 0

        OracleRow row = Assert.Single(Compare(kernel), r => !r.Agree);

        Assert.Equal(A + P, row.Addr);
        Assert.Contains("frame sharing differs", row.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Observations_only_one_side_made_are_disagreements()
    {
        List<KernelObservation> kernel = Kernel();
        kernel.RemoveAt(2);                                                    // the kernel lost the read
        kernel.Add(new KernelObservation(3, 100, ObservationKind.Error, A, 12, -1)); // and refused a write

        List<OracleRow> wrong = Compare(kernel).Where(r => !r.Agree).ToList();

        // Fault counts are compared only for accesses the kernel measured, so the lost read gives one row.
        Assert.Equal(2, wrong.Count);
        Assert.Contains(wrong, r => r is { Line: 5, Observation: "read", KernelValue: null, ModelValue: 7 });
        Assert.Contains(wrong, r => r is { Line: 3, Observation: "error", KernelValue: 12, ModelValue: null });
    }

    [Fact]
    public void Oracle_kernels_map_to_their_debian_presets_and_others_to_the_newest_mainline_preset_not_after_them()
    {
        Assert.Equal("debian-5.10.223", OraclePolicies.PresetFor(new OracleKernel("5.10", "", "", "", null, null), "5.10.0-32-amd64"));
        OracleKernel custom = new("custom", "unknown", "", "/boot/vmlinuz", null, null);
        Assert.Equal("linux-6.6", OraclePolicies.PresetFor(custom, "6.7.3"));
        Assert.Equal("linux-5.11", OraclePolicies.PresetFor(custom, "5.15.0-rc1"));
        Assert.Equal("latest", OraclePolicies.PresetFor(custom, null));
    }
}
