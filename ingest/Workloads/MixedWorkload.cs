using MathNet.Numerics.Distributions;

namespace MmReplay.Ingest.Workloads;

/// <summary>
/// Several workloads side by side on one machine, each with its own processes, devices and address ranges: every
/// step goes to a component drawn from the --mix weights (a categorical draw), so the trace interleaves them.
/// </summary>
public sealed class MixedWorkload : Workload
{
    private readonly Workload[] _components;
    private readonly Categorical _pick;

    public MixedWorkload(WorkloadContext context, int? processes)
        : base(context)
    {
        var mix = Options.Mix ?? DefaultMix();
        var components = new List<Workload>();
        var weights = new List<double>();
        foreach (var (name, weight) in mix)
        {
            if (weight > 0)
            {
                components.Add(WorkloadCatalog.Create(name, context, processes is { } p && name == WorkloadCatalog.Ksm ? Math.Max(2, p) : processes));
                weights.Add(weight);
            }
        }

        _components = [.. components];
        _pick = new Categorical([.. weights], Random);
    }

    public override void Start(TraceBuilder trace)
    {
        foreach (var c in _components)
        {
            c.Start(trace);
        }
    }

    public override void Step(TraceBuilder trace) => _components[_pick.Sample()].Step(trace);

    public override void Finish(TraceBuilder trace)
    {
        foreach (var c in _components)
        {
            c.Finish(trace);
        }
    }

    private static List<KeyValuePair<string, double>> DefaultMix()
    {
        var mix = new List<KeyValuePair<string, double>>();
        foreach (var name in WorkloadCatalog.Names)
        {
            if (name != WorkloadCatalog.Mixed)
            {
                mix.Add(new(name, 1.0));
            }
        }

        return mix;
    }
}
