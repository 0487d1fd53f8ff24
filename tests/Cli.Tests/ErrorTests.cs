namespace MmReplay.Cli.Tests;

/// <summary>Bad input gets a clear message naming file, line and column, and the documented exit code.</summary>
public sealed class ErrorTests
{
    private const string Header = "time_ns,cpu,pid,tid,op,addr,len,args\n";

    [Fact]
    public void Unknown_op_under_strict_names_file_line_and_column_and_exits_65()
    {
        var dir = CliRunner.TempDir();
        var trace = Path.Combine(dir, "bad-op.csv");
        // line 1 header, line 2 mmap, line 3 the typo
        File.WriteAllText(trace, Header
            + "0,0,100,100,mmap,0x10000000,4096,prot=rw map=private backing=anon\n"
            + "1,0,100,100,wrte,0x10000000,4096,\n");

        var result = CliRunner.Run("replay", trace, "--out", Path.Combine(dir, "out"), "--strict", "--progress", "never");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("bad-op.csv:3", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("column 'op'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("wrte", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "out", "manifest.json")), "a failed run must not commit a manifest");
    }

    [Fact]
    public void Bad_hex_under_strict_names_the_addr_column_and_exits_65()
    {
        var dir = CliRunner.TempDir();
        var trace = Path.Combine(dir, "bad-hex.csv");
        File.WriteAllText(trace, Header + "0,0,100,100,mmap,0xZZ,4096,prot=rw map=private backing=anon\n");

        var result = CliRunner.Run("replay", trace, "--out", Path.Combine(dir, "out"), "--strict", "--progress", "never");

        Assert.Equal(65, result.ExitCode);
        Assert.Contains("bad-hex.csv:2", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("column 'addr'", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_strict_bad_rows_go_to_rejects_csv_and_the_counts_add_up()
    {
        var dir = CliRunner.TempDir();
        var trace = Path.Combine(dir, "mixed.csv");
        File.WriteAllText(trace, Header
            + "0,0,100,100,mmap,0x10000000,8192,prot=rw map=private backing=anon\n"
            + "1,0,100,100,wrte,0x10000000,4096,\n"
            + "2,0,100,100,write,0x10000000,4096,value=5\n"
            + "3,0,100,100,read,0xZZ,4096,\n");
        var outDir = Path.Combine(dir, "out");

        var result = CliRunner.Run("replay", trace, "--out", outDir, "--progress", "never");

        Assert.Equal(0, result.ExitCode);
        var rejects = File.ReadAllLines(Path.Combine(outDir, "rejects.csv"));
        // header + the two bad rows (lines 3 and 5 of the file), with their original text
        Assert.Equal(3, rejects.Length);
        Assert.Contains(rejects, r => r.Contains(",3,", StringComparison.Ordinal) && r.Contains("wrte", StringComparison.Ordinal));
        Assert.Contains(rejects, r => r.Contains(",5,", StringComparison.Ordinal) && r.Contains("0xZZ", StringComparison.Ordinal));
        var manifest = File.ReadAllText(Path.Combine(outDir, "manifest.json"));
        // 4 data rows read = 2 events + 2 rejected
        Assert.Contains("\"read\": 4", manifest, StringComparison.Ordinal);
        Assert.Contains("\"rejected\": 2", manifest, StringComparison.Ordinal);
        Assert.Contains("\"events\": 2", manifest, StringComparison.Ordinal);
        Assert.Contains("2 row(s) rejected", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_input_exits_66()
    {
        var dir = CliRunner.TempDir();
        var result = CliRunner.Run("replay", Path.Combine(dir, "nope.csv"), "--out", Path.Combine(dir, "out"), "--progress", "never");

        Assert.Equal(66, result.ExitCode);
        Assert.Contains("nope.csv", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_policy_is_a_usage_error()
    {
        var result = CliRunner.Run("replay", "traces/default.csv", "--policy", "linux-9.99", "--out", CliRunner.TempDir(), "--progress", "never");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("linux-9.99", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_option_is_a_usage_error()
    {
        var result = CliRunner.Run("replay", "traces/default.csv", "--no-such-flag");

        Assert.Equal(2, result.ExitCode);
    }
}
