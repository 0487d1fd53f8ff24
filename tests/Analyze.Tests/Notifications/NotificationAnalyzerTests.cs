using MmReplay.Analyze.Hazards;
using MmReplay.Analyze.Notifications;
using MmReplay.Ingest;
using MmReplay.Replay;
using MmReplay.Replay.Model;

namespace MmReplay.Analyze.Tests.Notifications;

/// <summary>
/// The notifier call sequences of the 2017 "double notification" thread (kernel-semantics 3.2), fed as effects:
/// the analyzer must find the second invalidation of a 4.14 COW redundant and the single one of 4.15 needed.
/// </summary>
public sealed class NotificationAnalyzerTests : IDisposable
{
    private const ulong Va = 0x4000_0000;
    private const int Ats = 0;
    private const int Kvm = 1;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "mmreplay-analyze-tests", Guid.NewGuid().ToString("n"));

    private static Effect Call(long line, NotifierCallKind call, ulong start, ulong end, CallSite site = CallSite.Cow) => new()
    {
        Kind = EffectKind.Notifier, Detail = (byte)call, Scope = (byte)site, Op = OpCode.Write, Line = line, Pid = 7,
        Device = Ats, Addr = start, End = end, Aux = (ulong)DeviceKind.Ats + 1,
    };

    private static Effect Pte(long line, ulong old, ulong neu, PteChangeKind kind) => new()
    {
        Kind = EffectKind.PteChange, Detail = (byte)kind, Op = OpCode.Write, Line = line, Pid = 7, Addr = Va, Aux = old, Value = neu,
    };

    private static readonly ulong ReadOnlyFrame5 = MmReplay.Replay.Model.Pte.WithFrame(MmReplay.Replay.Model.Pte.Present, 5);
    private static readonly ulong WritableFrame9 = MmReplay.Replay.Model.Pte.WithFrame(MmReplay.Replay.Model.Pte.Present | MmReplay.Replay.Model.Pte.Write, 9);

    private TableRows Run(params Effect[] effects)
    {
        Directory.CreateDirectory(_directory);
        using (var analyzer = new NotificationAnalyzer(new RunContext("effects", "test", 0, _directory) { DeviceName = d => "gpu" + d }))
        {
            analyzer.Observe(effects);
            analyzer.Complete();
        }

        return TableRows.Read(Path.Combine(_directory, "notifications.arrow"));
    }

    [Fact]
    public void A_4_14_cow_invalidates_twice_and_the_second_is_redundant()
    {
        // <= v4.14 COW (3.2) with a KVM subscriber (start/end, device 1) and an ATS one (invalidate_range,
        // device 0): range_start; ptep_clear_flush_notify clears the PTE and invalidates the ATS TLB (#1,
        // needed: it may cache frame 5); set_pte_at installs frame 9 (installing needs no invalidation);
        // range_end, then invalidate_range again (#2, redundant). KVM's start zapped ahead of the clear made
        // inside its bracket, so it is needed; it is judged (and written) when its range_end arrives.
        var rows = Run(
            Call(10, NotifierCallKind.RangeStart, Va, Va + 4096) with { Device = Kvm, Aux = (ulong)DeviceKind.Kvm + 1 },
            Pte(10, ReadOnlyFrame5, 0, PteChangeKind.Clear),
            Call(10, NotifierCallKind.InvalidateRange, Va, Va + 4096),
            Pte(10, 0, WritableFrame9, PteChangeKind.Install),
            Call(10, NotifierCallKind.RangeEnd, Va, Va + 4096) with { Device = Kvm, Aux = (ulong)DeviceKind.Kvm + 1 },
            Call(10, NotifierCallKind.InvalidateRange, Va, Va + 4096));

        Assert.Equal(["invalidate_range", "invalidate_range_start", "invalidate_range_end", "invalidate_range"],
            Enumerable.Range(0, rows.Count).Select(i => (string)rows.Get(i, "call")!).ToList());
        Assert.Equal([false, false, false, true], Enumerable.Range(0, rows.Count).Select(i => (bool)rows.Get(i, "redundant")!).ToList());
        // ats: IOTLB (2) + device TLB (40) per invalidation; kvm zap 5; range_end costs nothing
        Assert.Equal([42.0, 5.0, 0.0, 42.0], Enumerable.Range(0, rows.Count).Select(i => (double)rows.Get(i, "cost_us")!).ToList());
    }

    [Fact]
    public void A_range_start_with_no_change_in_its_bracket_is_redundant()
    {
        // A KVM bracket around a write-protect of a PTE that was already read-only changes nothing it could cache.
        var rows = Run(
            Call(20, NotifierCallKind.RangeStart, Va, Va + 4096, CallSite.Mprotect) with { Device = Kvm, Aux = (ulong)DeviceKind.Kvm + 1 },
            Pte(20, ReadOnlyFrame5, ReadOnlyFrame5, PteChangeKind.WriteProtect),
            Call(20, NotifierCallKind.RangeEnd, Va, Va + 4096, CallSite.Mprotect) with { Device = Kvm, Aux = (ulong)DeviceKind.Kvm + 1 });

        Assert.True((bool)rows.Get(0, "redundant")!);
    }

    [Fact]
    public void A_4_15_cow_invalidates_once_under_the_pt_lock()
    {
        // v4.15-6.5 (0f10851ea475, MN-3): the clear_flush_notify invalidation, then range_only_end.
        var rows = Run(
            Pte(10, ReadOnlyFrame5, 0, PteChangeKind.Clear),
            Call(10, NotifierCallKind.InvalidateRange, Va, Va + 4096),
            Pte(10, 0, WritableFrame9, PteChangeKind.Install));

        Assert.Single(rows.Rows);
        Assert.False((bool)rows.Get(0, "redundant")!);
    }

    [Fact]
    public void A_full_range_after_a_page_invalidation_is_redundant_until_a_pte_loses_access_again()
    {
        // v6.6+ (MN-6): redundancy comes from arch flushes covering ranges already invalidated.
        var rows = Run(
            Pte(10, WritableFrame9, ReadOnlyFrame5, PteChangeKind.WriteProtect),
            Call(10, NotifierCallKind.ArchInvalidateSecondaryTlbs, Va, Va + 4096, CallSite.Mprotect),
            Call(11, NotifierCallKind.ArchInvalidateSecondaryTlbs, 0, ulong.MaxValue, CallSite.ClearRefs),
            Pte(12, ReadOnlyFrame5, 0, PteChangeKind.Clear),
            Call(12, NotifierCallKind.ArchInvalidateSecondaryTlbs, 0, ulong.MaxValue, CallSite.Unmap));

        Assert.Equal([false, true, false], Enumerable.Range(0, rows.Count).Select(i => (bool)rows.Get(i, "redundant")!).ToList());
        Assert.Equal(-1L, (long)rows.Get(1, "pages")!);
    }

    [Fact]
    public void Hazards_are_listed_with_frames_and_cause()
    {
        Directory.CreateDirectory(_directory);
        using (var analyzer = new HazardAnalyzer(new RunContext("effects", "test", 0, _directory) { DeviceName = d => "nic" + d }))
        {
            analyzer.Observe(
            [
                new Effect { Kind = EffectKind.Hazard, Detail = (byte)HazardKind.PinIncoherence, Op = OpCode.Write, Line = 21, Pid = 7, Addr = Va, Value = 5, Aux = ulong.MaxValue },
                new Effect { Kind = EffectKind.Hazard, Detail = (byte)HazardKind.PinIncoherence, Op = OpCode.DmaWrite, Line = 30, Pid = 7, Addr = Va, Value = 5, Aux = 9 },
                new Effect { Kind = EffectKind.Hazard, Detail = (byte)HazardKind.StaleDeviceTranslation, Op = OpCode.DevRead, Line = 31, Pid = 7, Device = 2, Addr = Va, Value = 5, Aux = 9 },
            ]);
            Assert.Equal(2, analyzer.Metrics.Single(m => m.Name == "incoherent_pins").Value);
            analyzer.Complete();
        }

        var pins = TableRows.Read(Path.Combine(_directory, "pin_coherence.arrow"));
        Assert.Equal(2, pins.Count);
        // the COW write at line 21 broke coherence: both rows name it; at that moment no CPU frame was mapped yet
        Assert.Null(pins.Get(0, "cpu_frame"));
        Assert.Equal(21L, (long)pins.Get(1, "cause_line")!);
        Assert.Equal(9UL, (ulong)pins.Get(1, "cpu_frame")!);
        var ordering = TableRows.Read(Path.Combine(_directory, "device_ordering.arrow"));
        Assert.Equal(1, ordering.Count);
        Assert.Equal("nic2", (string)ordering.Get(0, "device")!);
        Assert.Equal("stale_translation", (string)ordering.Get(0, "kind")!);
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
