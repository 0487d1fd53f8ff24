using MmReplay.Ingest;

namespace MmReplay.Cli.Commands;

/// <summary>Maps failures to one stderr line and an exit code (conventions: 65 data, 66 input, 130 cancel).</summary>
public static class CliErrors
{
    public static int Report(Exception error, string input)
    {
        ArgumentNullException.ThrowIfNull(error);
        var (code, message) = error switch
        {
            OperationCanceledException => (ExitCodes.Cancelled, "cancelled; no partial output was committed"),
            TraceRejectedException e => (ExitCodes.DataError, $"rejected (--strict): {e.Message}"),
            TraceFormatException e => (ExitCodes.DataError, e.Message),
            FileNotFoundException or DirectoryNotFoundException => (ExitCodes.NoInput, $"{input}: no such file"),
            UnauthorizedAccessException => (ExitCodes.NoInput, $"{input}: permission denied"),
            IOException e => (ExitCodes.NoInput, $"{input}: {e.Message}"),
            _ => (ExitCodes.Failure, $"internal error: {error}"),
        };
        Console.Error.WriteLine($"mmreplay: {message}");
        return code;
    }
}
