namespace MmReplay.Ingest.Workloads;

/// <summary>
/// A workload model: a small state machine that writes the events of a real system's behaviour. The driver calls
/// <see cref="Start"/> once, <see cref="Step"/> until the trace has its body events (each step writes one event or a
/// few that belong together, such as a dump round), then <see cref="Finish"/> to close what is open (unpin, detach,
/// exit children) so every trace ends in a consistent state.
/// </summary>
public abstract class Workload
{
    protected Workload(WorkloadContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Context = context;
        Random = context.Random;
        Options = context.Options;
    }

    protected WorkloadContext Context { get; }

    protected Random Random { get; }

    protected WorkloadOptions Options { get; }

    public abstract void Start(TraceBuilder trace);

    public abstract void Step(TraceBuilder trace);

    public abstract void Finish(TraceBuilder trace);

    /// <summary>A CPU load or store of one page: a store with probability --write-ratio.</summary>
    protected void CpuAccess(TraceBuilder trace, Actor actor, Region page)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (Context.Chance(Options.WriteRatio))
        {
            trace.Write(actor, page);
        }
        else
        {
            trace.Read(actor, page);
        }
    }

    /// <summary>A device load or store of one page through its secondary TLB: a store with probability --write-ratio.</summary>
    protected void DeviceAccess(TraceBuilder trace, Actor actor, int device, Region page)
    {
        ArgumentNullException.ThrowIfNull(trace);
        if (Context.Chance(Options.WriteRatio))
        {
            trace.DevWrite(actor, device, page);
        }
        else
        {
            trace.DevRead(actor, device, page);
        }
    }

    /// <summary>A guest or GPU access to one page: through the tenant's device TLB with probability --device-ratio, else from a CPU.</summary>
    protected void GuestAccess(TraceBuilder trace, Actor actor, Tenant tenant, Region page)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        if (Context.Chance(Options.DeviceRatio))
        {
            DeviceAccess(trace, actor, tenant.Device, page);
        }
        else
        {
            CpuAccess(trace, actor, page);
        }
    }

    /// <summary>A run of 1..<paramref name="maxPages"/> pages inside <paramref name="region"/>, at a uniform start.</summary>
    protected Region RandomRun(Region region, int maxPages)
    {
        var pages = Random.Next(1, Math.Min(maxPages, region.Pages) + 1);
        return region.Slice(Random.Next(0, region.Pages - pages + 1), pages);
    }
}
