using MmReplay.Oracle;

namespace MmReplay.Cli.Tests;

/// <summary>`mmreplay gen --workload oracle-random` and `mmreplay oracle` as a user runs them.</summary>
public sealed class OracleCommandTests
{
    [Fact]
    public void Oracle_random_traces_are_reproducible_from_the_seed()
    {
        var first = CliRunner.Run("gen", "--workload", "oracle-random", "--seed", "3", "--out", "-");
        var again = CliRunner.Run("gen", "--workload", "oracle-random", "--seed", "3", "--out", "-");
        var other = CliRunner.Run("gen", "--workload", "oracle-random", "--seed", "4", "--out", "-");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(first.Stdout, again.Stdout);
        Assert.NotEqual(first.Stdout, other.Stdout);
        // The generator's first op maps the first region at RegionBase (oracle/RandomTraceGenerator.cs).
        Assert.Contains(",mmap,0x10000000,", first.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_kernel_exits_69_naming_the_setup_command()
    {
        var dir = CliRunner.TempDir();
        var result = CliRunner.Run("oracle", "traces/scenarios/fork-cow.csv", "--kernel", "9.99", "--out", dir);

        Assert.Equal(69, result.ExitCode);
        Assert.Contains(OracleEnvironment.SetupCommand, result.Stderr, StringComparison.Ordinal);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public void A_wrong_policy_is_caught_by_the_kernel_and_exits_3()
    {
        var environment = OracleEnvironment.Detect();
        if (environment.MissingTools() is not null || !environment.Kernels().ContainsKey("6.12"))
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "CI must boot the oracle kernel: " + (environment.MissingTools() ?? "no linux-6.12"));
            return; // outside CI a machine without QEMU cannot boot
        }

        var dir = CliRunner.TempDir();
        // fork-cow line 12 reads pagemap after the child exited: each page is mapped once, so a kernel with pagemap
        // bit 56 (v4.2+) reports it exclusive; linux-3.17 predates the bit, so the model under it reports 0.
        var result = CliRunner.Run("oracle", "traces/scenarios/fork-cow.csv", "--kernel", "6.12", "--policy", "linux-3.17", "--out", dir);

        Assert.True(result.ExitCode == 3, result.Stderr);
        Assert.Contains("fork-cow line 12 pid 100 pagemap pagemap 0x70000000", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("exclusive", result.Stdout, StringComparison.Ordinal);
        var table = ArrowTable.Read(Path.Combine(dir, "oracle.arrow"));
        var row = Assert.Single(table.Rows, r => (long)r["line"]! == 12 && (ulong)r["addr"]! == 0x70000000UL);
        Assert.Equal(false, row["agree"]);
        Assert.Equal("linux-3.17", row["policy"]);
        Assert.True(File.Exists(Path.Combine(dir, "oracle-manifest.json")));
    }
}
