using System.Collections.Concurrent;
using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

/// <summary>
/// One boot per kernel for the whole test run: the hand-written fact traces, the random traces and every
/// scenario share it, and each test reads its traces back by name.
/// </summary>
internal static class OracleBoots
{
    /// <summary>Random traces per boot: 20 in `make test`, more with ORACLE_RANDOM_TRACES (`make oracle-full`: 200).</summary>
    public static readonly int RandomTraces = int.TryParse(Environment.GetEnvironmentVariable("ORACLE_RANDOM_TRACES"), out int n) && n > 0 ? n : 20;

    /// <summary>The test collection of every class that boots: one boot at a time, so two never share the two CPUs.</summary>
    public const string Collection = "kernel boots";

    private static readonly ConcurrentDictionary<string, Lazy<Task<Boot>>> Cache = new();

    public static Task<Boot> Get(string series) => Cache.GetOrAdd(series, s => new Lazy<Task<Boot>>(() => BootAsync(s))).Value;

    private static async Task<Boot> BootAsync(string series)
    {
        OracleEnvironment environment = OracleEnvironment.Detect();
        Assert.Null(environment.MissingTools());
        Assert.True(environment.Kernels().TryGetValue(series, out OracleKernel? kernel), $"linux-{series} missing: run {OracleEnvironment.SetupCommand}");
        var traces = new List<OracleTrace>(KernelFactsTests.HandTraces());
        for (int seed = 1; seed <= RandomTraces; seed++)
            traces.Add(new OracleTrace($"oracle-random seed {seed}", RandomTraceGenerator.Generate(seed), (ulong)seed));
        traces.AddRange(await Scenarios.LoadExecutableAsync());
        OracleReport report = await OracleSession.RunAsync(traces, kernel!, environment: environment);
        return new Boot(series, traces, report);
    }

    public sealed record Boot(string Series, IReadOnlyList<OracleTrace> Traces, OracleReport Report)
    {
        public OracleTraceResult Result(string name)
        {
            foreach (OracleTraceResult r in Report.Run.Traces)
            {
                if (r.Name == name)
                    return r;
            }
            throw new Xunit.Sdk.XunitException($"no trace {name} in the linux-{Series} boot");
        }
    }
}
