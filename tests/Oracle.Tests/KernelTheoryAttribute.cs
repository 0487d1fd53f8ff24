using MmReplay.Oracle;

namespace MmReplay.Oracle.Tests;

/// <summary>
/// A theory that boots real kernels. Outside CI a machine without QEMU or the oracle kernels skips it with the
/// reason; under CI=true it runs and fails, because CI must boot a kernel.
/// </summary>
public sealed class KernelTheoryAttribute : TheoryAttribute
{
    public KernelTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true")
            return;
        string? missing = MissingForBoot();
        if (missing is not null)
            Skip = missing;
    }

    public static string? MissingForBoot()
    {
        OracleEnvironment environment = OracleEnvironment.Detect();
        string? tools = environment.MissingTools();
        if (tools is not null)
            return tools;
        IReadOnlyDictionary<string, OracleKernel> kernels = environment.Kernels();
        foreach (string series in new[] { "5.10", "6.1", "6.12" })
        {
            if (!kernels.ContainsKey(series))
                return $"the linux-{series} oracle kernel is not in {environment.CacheDirectory}: run {OracleEnvironment.SetupCommand}";
        }
        return null;
    }
}
