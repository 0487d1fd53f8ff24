using System.Globalization;
using System.Reflection;

namespace MmReplay.Bench;

/// <summary>
/// `mmreplay bench` host: `dotnet run -c Release --project bench -- [suite ...]`. With no names it lists
/// the suites; `all` runs every one. Results go to bench/results/&lt;suite&gt;.txt (written to a temporary
/// name, then renamed) and to stdout.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var suites = Assembly.GetExecutingAssembly().GetTypes()
            .Where(t => typeof(IBenchSuite).IsAssignableFrom(t) && !t.IsInterface && !t.IsAbstract)
            .Select(t => (IBenchSuite)Activator.CreateInstance(t)!)
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ToList();
        if (args.Length == 0)
        {
            foreach (var s in suites)
            {
                Console.WriteLine($"{s.Name,-16} {s.Description}");
            }

            return 0;
        }

        var wanted = args.Contains("all") ? suites : suites.Where(s => args.Contains(s.Name)).ToList();
        var unknown = args.Where(a => a != "all" && suites.All(s => s.Name != a)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"bench: unknown suite(s): {string.Join(", ", unknown)}");
            return 2;
        }

        var results = Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "results");
        results = Environment.GetEnvironmentVariable("MMREPLAY_BENCH_RESULTS") ?? Path.GetFullPath(results);
        Directory.CreateDirectory(results);
        var work = Path.Combine(Path.GetTempPath(), "mmreplay-bench");
        Directory.CreateDirectory(work);
        foreach (var suite in wanted)
        {
            Console.WriteLine($"== {suite.Name}: {suite.Description}");
            var lines = await suite.RunAsync(work, CancellationToken.None);
            var header = $"# {suite.Name} {DateTime.UtcNow.ToString("u", CultureInfo.InvariantCulture)} cores={Environment.ProcessorCount} dotnet={Environment.Version}";
            var file = Path.Combine(results, suite.Name + ".txt");
            await File.WriteAllLinesAsync(file + ".tmp", [header, .. lines]);
            File.Move(file + ".tmp", file, overwrite: true);
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }
        }

        return 0;
    }
}
