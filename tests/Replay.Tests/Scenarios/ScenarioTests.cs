namespace MmReplay.Replay.Tests.Scenarios;

/// <summary>
/// Every scenario in traces/scenarios/ replayed under every preset its .expect file names; each expectation is
/// a kernel behaviour with its rule id or commit, never the model's own output.
/// </summary>
public sealed class ScenarioTests
{
    public static string ScenarioDir
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "traces", "scenarios");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new DirectoryNotFoundException("traces/scenarios not found above " + AppContext.BaseDirectory);
        }
    }

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var expect in Directory.GetFiles(ScenarioDir, "*.expect").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileNameWithoutExtension(expect);
            var file = ScenarioFile.Parse(expect);
            for (var b = 0; b < file.Blocks.Count; b++)
            {
                foreach (var preset in ScenarioFile.Expand(file.Blocks[b].Presets))
                {
                    data.Add(name, $"{b}:{preset}");
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Scenario_holds(string scenario, string blockAndPreset)
    {
        var colon = blockAndPreset.IndexOf(':', StringComparison.Ordinal);
        var block = int.Parse(blockAndPreset[..colon]);
        var preset = blockAndPreset[(colon + 1)..];
        var file = ScenarioFile.Parse(Path.Combine(ScenarioDir, scenario + ".expect"));
        var events = await ScenarioChecker.LoadAsync(Path.Combine(ScenarioDir, scenario + ".csv"));
        var policy = KernelPolicy.Preset(preset);
        foreach (var o in file.Blocks[block].Overrides)
        {
            policy = policy.With(o);
        }

        var effects = ScenarioChecker.Run(events, policy, file.Cpus);
        var failures = ScenarioChecker.Check(effects, file.Blocks[block].Expectations);
        Assert.True(failures.Count == 0, $"{scenario} under {policy.Name}:\n" + string.Join('\n', failures));
    }

    [Fact]
    public void Every_scenario_has_expectations_and_a_trace()
    {
        var csvs = Directory.GetFiles(ScenarioDir, "*.csv");
        Assert.NotEmpty(csvs);
        foreach (var csv in csvs)
        {
            Assert.True(File.Exists(Path.ChangeExtension(csv, ".expect")), $"{csv} has no .expect");
        }
    }
}
