using System.Diagnostics;
using System.Globalization;
using MmReplay.Analyze.Batch;
using Spectre.Console;

namespace MmReplay.Cli;

/// <summary>Batch progress on stderr: traces done/total, events/s, ETA (Spectre's remaining-time column).</summary>
public static class BatchProgressDisplay
{
    public static async Task<T> RunAsync<T>(ProgressMode mode, Func<IProgress<BatchProgress>?, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var show = mode == ProgressMode.Always || (mode == ProgressMode.Auto && !Console.IsErrorRedirected);
        if (!show)
        {
            return await work(null).ConfigureAwait(false);
        }

        var console = Terminal.Stderr();
        T result = default!;
        var clock = Stopwatch.StartNew();
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("traces", maxValue: 1);
                var reporter = new Progress<BatchProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.TracesTotal);
                    task.Value = p.TracesDone;
                    var rate = clock.Elapsed.TotalSeconds > 0 ? p.Events / clock.Elapsed.TotalSeconds : 0;
                    task.Description = string.Create(CultureInfo.InvariantCulture, $"traces {p.TracesDone}/{p.TracesTotal}, {rate:0} events/s");
                });
                result = await work(reporter).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }
}
