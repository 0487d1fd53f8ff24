using System.CommandLine;
using MmReplay.Cli.Commands;

namespace MmReplay.Cli;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = new RootCommand("mmreplay: trace-driven replay and analysis of Linux memory management");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // Let the running command unwind and leave its outputs consistent; exit code 130.
            e.Cancel = true;
            cancel.Cancel();
        };
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            // System.CommandLine exits 1 on parse errors; our contract says usage errors are 2.
            foreach (var error in result.Errors)
            {
                await Console.Error.WriteLineAsync($"mmreplay: {error.Message}").ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Try 'mmreplay --help'.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        try
        {
            return await result.InvokeAsync(cancellationToken: cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("mmreplay: cancelled").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
    }
}
