namespace MmReplay.Bench;

/// <summary>
/// One end-to-end benchmark run by `make bench` (`dotnet run -c Release --project bench -- NAME`).
/// Each suite prints its figures and returns lines appended to bench/results/NAME.txt.
/// </summary>
public interface IBenchSuite
{
    string Name { get; }

    string Description { get; }

    /// <summary>Run the suite; <paramref name="work"/> is a scratch folder for generated inputs.</summary>
    Task<IReadOnlyList<string>> RunAsync(string work, CancellationToken cancel);
}
