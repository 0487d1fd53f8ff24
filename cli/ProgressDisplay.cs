using Spectre.Console;

namespace MmReplay.Cli;

/// <summary>
/// Progress of long work on stderr (stdout carries results only). Off when stderr is redirected in auto mode,
/// or with --progress never; Spectre.Console honours NO_COLOR.
/// </summary>
public static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(ProgressMode mode, string label, Func<IProgress<long>?, Task<T>> work, long? totalBytes)
    {
        ArgumentNullException.ThrowIfNull(work);
        var show = mode == ProgressMode.Always || (mode == ProgressMode.Auto && !Console.IsErrorRedirected);
        if (!show)
        {
            return await work(null).ConfigureAwait(false);
        }

        var console = Terminal.Stderr();
        T result = default!;
        await console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(label), maxValue: totalBytes ?? 1);
                task.IsIndeterminate = totalBytes is null;
                var reporter = new Progress<long>(bytes => task.Value = totalBytes is null ? 0 : Math.Min(bytes, totalBytes.Value));
                result = await work(reporter).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result;
    }
}
