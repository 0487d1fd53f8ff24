using System.Globalization;

namespace MmReplay.Oracle;

/// <summary>
/// Boots a kernel with an initramfs under QEMU's software emulation (TCG; KVM is not needed) with a hard timeout.
/// The guest's console goes to console.log, its results to results.txt (the second serial port), both in
/// <paramref name="workDirectory"/>.
/// </summary>
public static class QemuBoot
{
    public static IReadOnlyList<string> Arguments(string vmlinuz, string initrd, string workDirectory, OracleRunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        string append = "console=ttyS0 quiet panic=-1 oops=panic" + (options.RecordFtrace ? " mmoracle.trace=1" : "");
        return
        [
            "-accel", "tcg",
            "-smp", options.Cpus.ToString(CultureInfo.InvariantCulture),
            "-m", $"{options.MemoryMegabytes.ToString(CultureInfo.InvariantCulture)}M",
            "-display", "none", "-monitor", "none", "-no-reboot",
            "-kernel", vmlinuz,
            "-initrd", initrd,
            "-append", append,
            "-serial", "file:" + Path.Combine(workDirectory, "console.log"),
            "-serial", "file:" + Path.Combine(workDirectory, "results.txt"),
        ];
    }

    public static async Task<ProcessResult> RunAsync(string qemu, string vmlinuz, string initrd, string workDirectory, OracleRunOptions options, TimeSpan timeout, CancellationToken ct) =>
        await ExternalProcess.RunAsync(qemu, Arguments(vmlinuz, initrd, workDirectory, options), timeout, ct).ConfigureAwait(false);
}
