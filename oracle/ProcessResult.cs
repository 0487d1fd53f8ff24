namespace MmReplay.Oracle;

/// <summary>How an external tool (gcc, qemu) ended: exit code (-1 when killed on timeout) and its output.</summary>
public readonly record struct ProcessResult(int ExitCode, string StandardOutput, string StandardError, TimeSpan Elapsed, bool TimedOut);
