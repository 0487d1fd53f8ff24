using System.CommandLine;

namespace MmReplay.Cli.Commands;

/// <summary>Every subcommand, in the order help lists them. One file per command beside this one.</summary>
public static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return ReplayCommand.Create();
        yield return BatchCommand.Create();
        yield return CompareCommand.Create();
        yield return InspectCommand.Create();
        yield return ConvertCommand.Create();
        yield return PoliciesCommand.Create();
        yield return ValidateCommand.Create();
        yield return GenCommand.Create();
        yield return OracleCommand.Create();
    }
}
