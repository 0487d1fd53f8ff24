using System.CommandLine;
using MmReplay.Replay;

namespace MmReplay.Cli.Commands;

/// <summary>The --policy and --set options shared by every command that replays.</summary>
public sealed class PolicyArguments
{
    public Option<string> Policy { get; } = new("--policy", "-p")
    {
        Description = "kernel policy preset (see `mmreplay policies`)",
        DefaultValueFactory = _ => "latest",
    };

    public Option<string[]> Set { get; } = new("--set")
    {
        Description = "override one knob of the preset: --set knob=value (repeatable)",
        AllowMultipleArgumentsPerToken = false,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Policy);
        command.Options.Add(Set);
    }

    /// <summary>The preset with overrides applied, or a usage error message.</summary>
    public bool TryResolve(ParseResult parse, out KernelPolicy policy, out string error)
    {
        ArgumentNullException.ThrowIfNull(parse);
        policy = null!;
        error = "";
        var name = parse.GetValue(Policy) ?? "latest";
        try
        {
            policy = KernelPolicy.Preset(name);
            foreach (var assignment in parse.GetValue(Set) ?? [])
            {
                policy = policy.With(assignment);
            }

            return true;
        }
        catch (ArgumentException e)
        {
            error = e.Message;
            return false;
        }
        catch (KeyNotFoundException e)
        {
            error = e.Message;
            return false;
        }
    }
}
