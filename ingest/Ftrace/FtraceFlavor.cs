namespace MmReplay.Ingest.Ftrace;

/// <summary>Which tool rendered an ftrace text file. The parser reads both; the flavor is reported, not required.</summary>
public enum FtraceFlavor : byte
{
    Unknown = 0,
    /// <summary>/sys/kernel/tracing/trace or trace_pipe: flags column, <c>name: body</c>, <c>sys_NAME(args)</c>.</summary>
    Tracefs = 1,
    /// <summary><c>trace-cmd report</c>: <c>cpus=N</c> first line, no flags column, padded names, <c>sys_enter_NAME:</c>.</summary>
    TraceCmdReport = 2,
}
