namespace MmReplay.Ingest.Workloads;

/// <summary>
/// A process as most workloads model it: its threads, one region of --pages pages whose popularity follows the Zipf
/// law, optionally a device (secondary MMU) that mirrors it, and the countdowns to its next round and churn event.
/// Workloads that need more state derive from it.
/// </summary>
public class Tenant
{
    /// <param name="devicePrefix">Name prefix of its device (gpu, kvm), or null for none.</param>
    public Tenant(WorkloadContext context, string? devicePrefix)
    {
        ArgumentNullException.ThrowIfNull(context);
        Process = new SimProcess(context, context.Options.Threads);
        Memory = context.Reserve(context.Options.Pages);
        Pages = context.Zipf(Memory.Pages);
        DeviceName = devicePrefix is null ? "" : context.NewDeviceName(devicePrefix);
        UntilRound = context.Interval(context.Options.RoundEvery);
        UntilChurn = context.Interval(context.Options.ChurnEvery);
    }

    public SimProcess Process { get; }

    public Region Memory { get; }

    public ZipfSampler Pages { get; }

    public string DeviceName { get; }

    /// <summary>The device id, once <see cref="Attach"/> has registered it.</summary>
    public int Device { get; private set; } = -1;

    /// <summary>Accesses left before the next periodic round (dump, scan, ...).</summary>
    public int UntilRound { get; set; }

    /// <summary>Accesses left before the next churn event (fork, munmap, ...).</summary>
    public int UntilChurn { get; set; }

    /// <summary>One page of <see cref="Memory"/>, drawn by popularity.</summary>
    public Region NextPage() => Memory.Slice(Pages.Next(), 1);

    /// <summary>dev_attach of this tenant's device on its main thread.</summary>
    public void Attach(TraceBuilder trace, DeviceKind kind)
    {
        ArgumentNullException.ThrowIfNull(trace);
        Device = trace.Device(DeviceName);
        trace.DevAttach(Process.Main, Device, kind);
    }

    public void Detach(TraceBuilder trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        trace.DevDetach(Process.Main, Device);
    }
}
