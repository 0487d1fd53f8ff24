using System.CommandLine;
using MmReplay.Replay;

namespace MmReplay.Cli.Commands;

/// <summary>
/// `mmreplay policies`: the preset names and every knob with its accepted values and the commit behind it;
/// with --policy/--set, the resolved policy's value of each knob.
/// </summary>
public static class PoliciesCommand
{
    public static Command Create()
    {
        var policy = new PolicyArguments();
        var command = new Command("policies", "List kernel policy presets and knobs, each with the commit that changed it");
        policy.AddTo(command);
        command.SetAction(result =>
        {
            var explicitPolicy = result.GetResult(policy.Policy) is { Implicit: false } || (result.GetValue(policy.Set)?.Length ?? 0) > 0;
            if (!policy.TryResolve(result, out var resolved, out var error))
            {
                Console.Error.WriteLine($"mmreplay policies: {error}");
                return ExitCodes.Usage;
            }

            Print(explicitPolicy ? resolved : null, Console.Out);
            return ExitCodes.Ok;
        });
        return command;
    }

    public static void Print(KernelPolicy? policy, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (policy is null)
        {
            output.WriteLine("presets:");
            foreach (var name in KernelPolicy.PresetNames)
            {
                output.WriteLine($"  {name}");
            }

            output.WriteLine();
            output.WriteLine("knobs (--set knob=value):");
            foreach (var k in KernelPolicy.Preset("latest").Knobs)
            {
                output.WriteLine($"  {k.Name,-28} {k.Values}");
                output.WriteLine($"  {"",-28} {k.Meaning}; {k.Commit}");
            }

            return;
        }

        output.WriteLine($"policy: {policy.Name}");
        foreach (var k in policy.Knobs)
        {
            output.WriteLine($"  {k.Name,-28} {k.Value,-26} {k.Commit}");
        }
    }
}
