using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace MmReplay.Cli.Tests;

/// <summary>
/// docs/notebooks/*.ipynb stay valid notebooks (nbformat, from Debian's python3-nbformat) and read only
/// tables and columns that docs/schemas.md documents.
/// </summary>
public sealed partial class NotebookTests
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.GetFiles(Path.Combine(CliRunner.RepoRoot, "docs", "notebooks"), "*.ipynb"))
        {
            data.Add(Path.GetFileName(path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Reads_only_documented_tables_and_columns(string notebook)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(CliRunner.RepoRoot, "docs", "notebooks", notebook)));
        Assert.Equal(4, json.RootElement.GetProperty("nbformat").GetInt32());
        var code = string.Join('\n', json.RootElement.GetProperty("cells").EnumerateArray()
            .Where(c => c.GetProperty("cell_type").GetString() == "code")
            .Select(c => string.Concat(c.GetProperty("source").EnumerateArray().Select(s => s.GetString()))));

        var uses = UsesBlock().Match(code);
        Assert.True(uses.Success, "the notebook declares the tables and columns it reads in USES = {...}");
        var tables = UsesEntry().Matches(uses.Value).ToDictionary(
            m => m.Groups[1].Value,
            m => Quoted().Matches(m.Groups[2].Value).Select(q => q.Groups[1].Value).ToList());
        Assert.NotEmpty(tables);

        var schemas = File.ReadAllText(Path.Combine(CliRunner.RepoRoot, "docs", "schemas.md"));
        var common = Section(schemas, "Common columns");
        foreach (var (table, columns) in tables)
        {
            var section = Section(schemas, $"`{table}`");
            Assert.True(section.Length > 0, $"{notebook} reads table {table}, which docs/schemas.md does not document");
            foreach (var column in columns)
            {
                Assert.True(
                    section.Contains($"| `{column}` |", StringComparison.Ordinal) || common.Contains($"| `{column}` |", StringComparison.Ordinal),
                    $"{notebook} reads {table}.{column}, which docs/schemas.md does not document");
            }
        }

        foreach (Match load in LoadCall().Matches(code))
        {
            Assert.True(tables.ContainsKey(load.Groups[1].Value), $"{notebook} loads {load.Groups[1].Value} without declaring it in USES");
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Is_a_valid_nbformat_notebook(string notebook)
    {
        // Debian's python3-nbformat (installed by `make setup`) is the validator; locally a missing one is a skip.
        const string python = "/usr/bin/python3";
        var check = Run(python, "-c", "import nbformat");
        if (check != 0)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "python3-nbformat is missing under CI=true (make setup installs it)");
            return;
        }

        var path = Path.Combine(CliRunner.RepoRoot, "docs", "notebooks", notebook);
        Assert.Equal(0, Run(python, "-c", "import sys, nbformat; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))", path));
    }

    private static int Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("## " + heading, StringComparison.Ordinal);
        if (start < 0)
        {
            return "";
        }

        var end = markdown.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    [GeneratedRegex(@"USES\s*=\s*\{.*?\n\}", RegexOptions.Singleline)]
    private static partial Regex UsesBlock();

    [GeneratedRegex(@"""(\w+)""\s*:\s*\[(.*?)\]", RegexOptions.Singleline)]
    private static partial Regex UsesEntry();

    [GeneratedRegex(@"""(\w+)""")]
    private static partial Regex Quoted();

    [GeneratedRegex(@"load\(""(\w+)""\)")]
    private static partial Regex LoadCall();
}
