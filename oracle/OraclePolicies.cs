using MmReplay.Replay;

namespace MmReplay.Oracle;

/// <summary>Which model policy a kernel is compared under.</summary>
public static class OraclePolicies
{
    /// <summary>
    /// Debian's oracle kernels have their own presets (mainline plus the backports their changelog lists); any other
    /// kernel gets the newest mainline preset not newer than its release, or <c>latest</c> when the release is unknown.
    /// </summary>
    public static string PresetFor(OracleKernel kernel, string? release)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        switch (kernel.Series)
        {
            case "5.10": return "debian-5.10.223";
            case "6.1": return "debian-6.1";
            case "6.12": return "debian-6.12";
        }

        if (!KernelRelease.TryParse(release, out KernelRelease version))
            return "latest";
        string best = "linux-3.17";
        foreach (string name in KernelPolicy.PresetNames)
        {
            if (name.StartsWith("linux-", StringComparison.Ordinal) && KernelRelease.TryParse(name["linux-".Length..], out KernelRelease preset) && preset <= version)
                best = name;
        }
        return best;
    }
}
