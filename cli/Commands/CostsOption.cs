using System.CommandLine;
using System.Text.Json;
using MmReplay.Analyze.Costs;

namespace MmReplay.Cli.Commands;

/// <summary>--costs FILE.json: override the cost model's defaults (docs/costs.md).</summary>
public static class CostsOption
{
    public static Option<string?> Create() => new("--costs") { Description = "JSON file overriding modelled costs in µs (see docs/costs.md)" };

    public static bool TryLoad(string? path, out CostModel costs, out string error)
    {
        costs = CostModel.Default;
        error = "";
        if (path is null)
        {
            return true;
        }

        try
        {
            costs = CostModel.Load(path);
            return true;
        }
        catch (Exception e) when (e is IOException or JsonException or ArgumentException or InvalidOperationException or UnauthorizedAccessException)
        {
            error = $"--costs {path}: {e.Message}";
            return false;
        }
    }
}
