namespace MmReplay.Oracle;

/// <summary>
/// A kernel to boot: Debian's (from tools/oracle/setup.sh, with series, package and changelog) or any vmlinuz a
/// user has (<see cref="FromVmlinuz"/>: series "custom").
/// </summary>
public sealed record OracleKernel(string Series, string Version, string Package, string Vmlinuz, string? Config, string? Changelog)
{
    public static OracleKernel FromVmlinuz(string vmlinuz)
    {
        ArgumentNullException.ThrowIfNull(vmlinuz);
        if (!File.Exists(vmlinuz))
            throw new FileNotFoundException($"kernel image {vmlinuz} does not exist", vmlinuz);
        return new OracleKernel("custom", "unknown", "", Path.GetFullPath(vmlinuz), null, null);
    }

    public override string ToString() => Series == "custom" ? Vmlinuz : $"linux-{Series} ({Version}, {Package})";
}
